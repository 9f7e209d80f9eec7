// Colour modes and their legend. Equipment always shows its live status; the
// mode chooses the rooms' colours: live status (worst device in the room),
// compliance, department, room type, or a heat map of a live quantity
// (temperature, CO₂, occupancy) or of energy per m² over a period, with its
// scale, missing data shown as such.

import { fmtNumber, t } from './strings.js';

export const STATUS_COLOURS = {
  normal: '#2e9d4f',
  warning: '#f2a20c',
  alarm: '#e0262b',
  offline: '#8a8f99',
};
const NO_DEVICE = '#c8a165';
const ROOM_BASE = '#5aaadc';
const COMPLIANCE_COLOURS = {
  within: '#3aa35a',
  over: '#e0262b',
  vacant: '#b0b4ba',
  not_office: '#d9d4c7',
  unknown: '#5aaadc',
};
const PALETTE = [
  '#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1',
  '#ff9da7', '#9c755f', '#86bcb6', '#8cd17d', '#d37295', '#a0cbe8', '#ffbe7d',
];
const STATUS_RANK = { normal: 1, offline: 2, warning: 3, alarm: 4 };
export const MODES = ['live', 'compliance', 'department', 'type', 'temperature', 'co2', 'occupancy', 'energy', 'meetings'];
/** Heat-map modes: the scale each one is drawn on (fixed, so colours compare over time). */
export const HEAT_SCALES = {
  temperature: { min: 16, max: 30, unit: '°C', digits: 1, label: 'heatTemperature' },
  co2: { min: 400, max: 1600, unit: 'ppm', digits: 0, label: 'heatCo2' },
  occupancy: { min: 0, max: 20, unit: '', digits: 0, label: 'heatOccupancy' },
};
/** Cold to hot (viridis-like, readable on a grey model and when printed in colour). */
const HEAT_RAMP = ['#2c7bb6', '#00a6ca', '#00ccbc', '#90eb9d', '#ffff8c', '#f9d057', '#f29e2e', '#e76818', '#d7191c'];
const HEAT_NO_DATA = '#8a8f99';
const HEAT_NO_SENSOR = '#eceef1';

/** The ramp's colour for `value` on a heat scale (clamped to its ends). */
export function heatColour(value, scale) {
  const k = Math.min(1, Math.max(0, (value - scale.min) / (scale.max - scale.min)));
  const position = k * (HEAT_RAMP.length - 1);
  const i = Math.min(HEAT_RAMP.length - 2, Math.floor(position));
  const a = hexToRgb(HEAT_RAMP[i]);
  const b = hexToRgb(HEAT_RAMP[i + 1]);
  const f = position - i;
  return `#${a.map((c, j) => Math.round(c + (b[j] - c) * f).toString(16).padStart(2, '0')).join('')}`;
}

function hexToRgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

export class Colours {
  constructor(viewer, legendElement) {
    this.viewer = viewer;
    this.legend = legendElement;
    this.mode = 'live';
    this.status = new Map(); // element gid -> device status
    this.compliance = new Map(); // room gid -> within|over|vacant|not_office
    this.department = new Map(); // room gid -> department
    this.roomType = new Map(); // room gid -> room type
    this.heat = new Map(); // room gid -> value (null: sensor without a reading)
    this.energyScale = null; // the energy heat map's scale (EnergyHeat sets it per period)
    this.note = '';
    this.roomStatus = new Map();
    // Modes whose module owns the rooms' colours and legend: mode -> {colour(gid), legend(heading, row)}.
    this.owners = {};
    this._pending = null;
  }

  setMode(mode) {
    this.mode = mode;
    this.apply();
  }

  /** The colour of a pickable element in the current mode (#rrggbb). */
  colourFor(object) {
    const gid = object.global_id;
    if (object.kind === 'equipment') {
      const status = this.status.get(gid);
      return status ? STATUS_COLOURS[status] || NO_DEVICE : NO_DEVICE;
    }
    if (this.owners[this.mode]) return this.owners[this.mode].colour(gid);
    switch (this.mode) {
      case 'live': {
        const status = this.roomStatus.get(gid);
        return status && status !== 'normal' ? STATUS_COLOURS[status] : ROOM_BASE;
      }
      case 'compliance':
        return COMPLIANCE_COLOURS[this.compliance.get(gid) || 'unknown'];
      case 'department':
        return paletteColour(this.department.get(gid), this.departments());
      case 'type':
        return paletteColour(this.roomType.get(gid), this.types());
      case 'temperature':
      case 'co2':
      case 'occupancy':
      case 'energy': {
        if (!this.heat.has(gid)) return HEAT_NO_SENSOR;
        const value = this.heat.get(gid);
        return value == null ? HEAT_NO_DATA : heatColour(value, this.heatScale());
      }
      default:
        return ROOM_BASE;
    }
  }

  /** The heat scale of the mode: fixed for live quantities, the period's range for energy. */
  heatScale() {
    return this.mode === 'energy' ? this.energyScale : HEAT_SCALES[this.mode] || null;
  }

  departments() {
    return [...new Set(this.department.values())].sort();
  }

  types() {
    return [...new Set(this.roomType.values())].sort();
  }

  /** Recolour every pickable element and redraw the legend. */
  apply() {
    this.roomStatus = new Map();
    for (const item of this.viewer.equipment) {
      const status = this.status.get(item.global_id);
      const room = item.room;
      if (!status || !room) continue;
      const worst = this.roomStatus.get(room);
      if (!worst || STATUS_RANK[status] > STATUS_RANK[worst]) this.roomStatus.set(room, status);
    }
    for (const object of this.viewer.objects.values()) this.paint(object);
    this.drawLegend();
    this.viewer.requestRender();
  }

  paint(record) {
    const hex = this.colourFor(record);
    if (hex !== record.colour) this.viewer.paint(record, hex);
  }

  /** Update one element's device status (from live events). */
  setStatus(gid, status) {
    if (!gid || this.status.get(gid) === status) return;
    this.status.set(gid, status);
    // Bursts of live events repaint once.
    if (!this._pending) this._pending = setTimeout(() => {
      this._pending = null;
      this.apply();
    }, 30);
  }

  drawLegend() {
    const rows = [];
    const heading = (text) => rows.push(`<div class="legend-title">${escapeHtml(text)}</div>`);
    const row = (hex, label) =>
      rows.push(`<div class="legend-row"><span class="swatch" style="background:${hex}"></span>${escapeHtml(label)}</div>`);
    heading(`${t('modeLive')} · ${t('equipment')}`);
    for (const [status, hex] of Object.entries(STATUS_COLOURS)) row(hex, t(`status${cap(status)}`));
    row(NO_DEVICE, t('statusNoDevice'));
    const scale = this.heatScale();
    if (this.owners[this.mode]) {
      this.owners[this.mode].legend(heading, row);
    } else if (scale) {
      heading(`${t(scale.label)}${scale.unit ? ` (${scale.unit})` : ''}`);
      const stops = HEAT_RAMP.map((c, i) => `${c} ${Math.round((100 * i) / (HEAT_RAMP.length - 1))}%`).join(',');
      rows.push(`<div class="heat-ramp" style="background:linear-gradient(to right,${stops})"></div>`);
      rows.push(`<div class="heat-ticks"><span>≤ ${escapeHtml(fmtNumber(scale.min, scale.digits))}</span><span>${escapeHtml(fmtNumber((scale.min + scale.max) / 2, scale.digits))}</span><span>≥ ${escapeHtml(fmtNumber(scale.max, scale.digits))}</span></div>`);
      row(HEAT_NO_DATA, t(scale.noData || 'heatNoData'));
      row(HEAT_NO_SENSOR, t(scale.noSensor || 'heatNoSensor'));
    } else if (this.mode === 'compliance') {
      heading(t('compliance'));
      row(COMPLIANCE_COLOURS.within, t('complianceWithin'));
      row(COMPLIANCE_COLOURS.over, t('complianceOver'));
      row(COMPLIANCE_COLOURS.vacant, t('complianceVacant'));
      row(COMPLIANCE_COLOURS.not_office, t('complianceNotOffice'));
      row(COMPLIANCE_COLOURS.unknown, t('complianceUnknown'));
    } else if (this.mode === 'department') {
      heading(t('department'));
      const names = this.departments();
      names.slice(0, 14).forEach((name) => row(paletteColour(name, names), name));
      if (!names.length) row(ROOM_BASE, t('unknownDepartment'));
    } else if (this.mode === 'type') {
      heading(t('roomType'));
      const names = this.types();
      names.slice(0, 14).forEach((name) => row(paletteColour(name, names), name));
    }
    if (this.note) rows.push(`<div class="legend-note">${escapeHtml(this.note)}</div>`);
    this.legend.innerHTML = rows.join('');
  }
}

function paletteColour(value, values) {
  if (!value) return ROOM_BASE;
  const index = values.indexOf(value);
  return PALETTE[(index < 0 ? 0 : index) % PALETTE.length];
}

function cap(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
