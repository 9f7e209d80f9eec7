// The side panel: what the selected room or piece of equipment is, live.

import { api } from './api.js';
import { historyChart } from './chart.js';
import { STATUS_COLOURS, escapeHtml as h } from './colours.js';
import { alarmReason } from './messages.js';
import { fmtArea, fmtDateTime, fmtNumber, t } from './strings.js';

/** Minutes of history drawn in the equipment panel. */
const HISTORY_MINUTES = 60;

/** @typedef {import('./api.js').Schemas} Schemas */

export class Panel {
  /**
   * @param {HTMLElement} element
   * @param {{
   *   buildingId: string,
   *   onRouteTo: (gid: string) => void,
   *   onRouteFrom: (gid: string) => void,
   *   onAcknowledged?: () => void,
   *   alarmsFor: (gid: string) => Schemas['AlarmOut'][],
   *   complianceFor?: (gid: string) => Schemas['ComplianceRoom'] | undefined,
   *   spaceName?: (gid: string) => string | undefined,
   * }} options
   */
  constructor(element, { buildingId, onRouteTo, onRouteFrom, onAcknowledged, alarmsFor, complianceFor, spaceName }) {
    this.element = element;
    this.buildingId = buildingId;
    this.onRouteTo = onRouteTo;
    this.onRouteFrom = onRouteFrom;
    this.onAcknowledged = onAcknowledged;
    this.alarmsFor = alarmsFor; // gid -> open alarms
    this.complianceFor = complianceFor || (() => undefined); // room gid -> its compliance row
    this.spaceName = spaceName || (() => undefined); // room gid -> its number
    /** @type {((gid: string) => void) | null} */
    this.onSelect = null;
    this.current = null;
    this.token = 0;
    this.empty();
  }

  empty() {
    this.current = null;
    this.element.innerHTML = `<p class="hint">${h(t('nothingSelected'))}</p>`;
  }

  /** Show an element record ({global_id, kind}). */
  async show(object) {
    if (!object) return this.empty();
    const token = ++this.token;
    this.current = object;
    this.element.innerHTML = `<p class="hint">…</p>`;
    try {
      const html = object.kind === 'room'
        ? await this.roomHtml(object.global_id)
        : object.kind === 'equipment'
          ? await this.equipmentHtml(object.global_id)
          : await this.elementHtml(object.global_id);
      if (token !== this.token) return;
      this.element.innerHTML = html;
      this.wire(token);
    } catch (error) {
      if (token !== this.token) return;
      this.element.innerHTML = `<p class="error">${h(t('requestFailed', { what: t('element'), reason: error.message }))}</p>`;
    }
  }

  /** Re-render the equipment panel when its device changed (live events). */
  refreshIf(gid) {
    if (this.current && this.current.global_id === gid && this.current.kind === 'equipment') {
      clearTimeout(this._refresh);
      this._refresh = setTimeout(() => this.show(this.current), 200);
    }
  }

  /** @param {string} gid */
  async roomHtml(gid) {
    const room = await api.space(this.buildingId, gid);
    const rows = [
      [t('roomNumber'), `<span data-field="number">${h(room.name)}</span>`],
      [t('roomName'), h(room.long_name || '')],
      [t('storey'), h(room.storey)],
      [t('usableArea'), `<span data-field="area">${fmtArea(room.area_m2)}</span> <span class="muted">${h(t('areaSource', { src: room.area_source }))}</span>`],
      [t('roomType'), h(room.room_type || t('unknownType'))],
      [t('department'), h(room.occupancy.departments.join(', ') || '—')],
      [t('occupants'), occupantsHtml(room.occupancy)],
    ];
    let html = `<h2>${h(t('room'))} <span class="big">${h(room.name)}</span></h2>${table(rows)}`;
    const compliance = this.complianceFor(gid);
    if (compliance) html += complianceHtml(compliance);
    if (room.equipment.length) {
      const devices = new Map();
      for (const d of room.devices) if (d.global_id) devices.set(d.global_id, [...(devices.get(d.global_id) || []), d]);
      html += `<h3>${h(t('equipmentInRoom'))}</h3><ul class="plain equipment-links">${room.equipment
        .map((e) => `<li><a href="#" data-select="${h(e.global_id)}">${h(e.name || e.ifc_class)}</a> <span class="muted">${h(e.tag || '')}</span>${(devices.get(e.global_id) || [])
          .map((d) => ` ${statusBadge(d.status)}`).join('')}</li>`)
        .join('')}</ul>`;
    }
    html += actions(gid);
    return html;
  }

  /** Any other element (wall, door, window…): what the model says about it.
   * @param {string} gid */
  async elementHtml(gid) {
    const p = await api.properties(this.buildingId, gid);
    return `<h2>${h(t('element'))} <span class="big">${h(p.name || p.ifc_class)}</span></h2>
      <section id="properties" data-loaded="true">${propertiesHtml(p)}</section>${actions(gid)}`;
  }

  /** The properties section of a room or equipment panel, read when opened. */
  propertiesSection() {
    return `<details id="properties-section"><summary><b>${h(t('properties'))}</b></summary><section id="properties"><p class="hint">${h(t('propertiesLoading'))}</p></section></details>`;
  }

  /** @param {string} gid */
  async equipmentHtml(gid) {
    const element = await api.element(this.buildingId, gid);
    const room = element.space_id ? this.spaceName(element.space_id) || element.space_id : null;
    const rows = [
      [t('ifcClass'), h(element.ifc_class || '')],
      [t('name'), h(element.name || '')],
      [t('tag'), h(element.tag || '—')],
      [t('storey'), h(element.storey || '—')],
      [t('room'), room ? `<a href="#" data-select="${h(element.space_id)}">${h(room)}</a>` : '—'],
      [t('deviceId'), element.devices.length ? element.devices.map((d) => h(d.device_id)).join(', ') : h(t('noDevice'))],
      [t('globalId'), `<code>${h(gid)}</code>`],
    ];
    let html = `<h2>${h(t('equipment'))} <span class="big">${h(element.tag || element.name || '')}</span></h2>${table(rows)}`;
    const devices = await Promise.all(element.devices.map((d) => this.deviceHtml(d.device_id)));
    html += devices.join('');
    html += this.alarmsHtml(gid);
    html += this.propertiesSection();
    html += actions(gid);
    return html;
  }

  /** A bound device: status, each point's value, unit, level and time, and the last hour's chart.
   * @param {string} deviceId */
  async deviceHtml(deviceId) {
    let device;
    try {
      device = await api.device(deviceId);
    } catch (error) {
      return `<p class="error">${h(error.message)}</p>`;
    }
    let html = `<section class="device" data-device="${h(deviceId)}"><h3>${h(t('liveState'))} <code>${h(deviceId)}</code> ${statusBadge(device.status)}</h3>`;
    if (device.reason) html += `<p class="muted">${h(device.reason)}</p>`;
    const points = Object.entries(device.points);
    html += `<table class="points"><tr><th>${h(t('point'))}</th><th>${h(t('value'))}</th><th>${h(t('status'))}</th><th>${h(t('time'))}</th></tr>${points
      .map(([name, p]) => `<tr class="level-${h(p.level)}" data-point="${h(name)}"><td>${h(name)}</td><td data-field="value">${h(fmtValue(p.value))} ${h(p.unit === 'bool' ? '' : p.unit)}</td><td>${h(levelText(p.level))}</td><td class="muted">${h(fmtDateTime(p.ts))}</td></tr>`)
      .join('')}</table>`;
    html += `<h3>${h(t('history'))}</h3><div class="charts" data-device="${h(deviceId)}" data-units='${h(JSON.stringify(Object.fromEntries(points.map(([n, p]) => [n, p.unit]))))}'></div></section>`;
    return html;
  }

  alarmsHtml(gid) {
    const alarms = this.alarmsFor(gid);
    if (!alarms.length) return `<h3>${h(t('openAlarms'))}</h3><p class="muted">${h(t('noOpenAlarms'))}</p>`;
    return `<h3>${h(t('openAlarms'))}</h3><ul class="plain">${alarms
      .map((a) => `<li class="sev-${h(a.severity)}"><b>${h(a.point)}</b> ${h(alarmReason(a))} <span class="muted">${h(t(a.state === 'raised' ? 'alarmRaised' : 'acknowledged'))}</span>${a.state === 'raised' ? ` <button type="button" data-ack="${h(a.id)}">${h(t('acknowledge'))}</button>` : ''}</li>`)
      .join('')}</ul>`;
  }

  wire(token) {
    const el = /** @type {any} */ (this.element);
    el.querySelectorAll('[data-select]').forEach((a) => a.addEventListener('click', (e) => {
      e.preventDefault();
      this.onSelect?.(a.dataset.select);
    }));
    el.querySelector('[data-route-to]')?.addEventListener('click', () => this.onRouteTo(this.current.global_id));
    el.querySelector('[data-route-from]')?.addEventListener('click', () => this.onRouteFrom(this.current.global_id));
    el.querySelectorAll('[data-ack]').forEach((b) => b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await api.acknowledge(b.dataset.ack);
        b.replaceWith(document.createTextNode(t('acknowledged')));
        this.onAcknowledged?.();
      } catch (error) {
        b.disabled = false;
        b.title = error.message;
        b.insertAdjacentHTML('afterend', ` <span class="error">${h(error.message)}</span>`);
      }
    }));
    el.querySelectorAll('.charts').forEach((charts) => this.drawHistory(/** @type {HTMLElement} */ (charts), token));
    const section = el.querySelector('#properties-section');
    section?.addEventListener('toggle', async () => {
      const target = section.querySelector('#properties');
      if (!section.open || target.dataset.loaded) return;
      target.dataset.loaded = 'true';
      try {
        const p = await api.properties(this.buildingId, this.current.global_id);
        if (token === this.token) target.innerHTML = propertiesHtml(p);
      } catch (error) {
        target.innerHTML = `<p class="error">${h(error.message)}</p>`;
      }
    });
  }

  async drawHistory(container, token) {
    const deviceId = container.dataset.device;
    const units = JSON.parse(container.dataset.units || '{}');
    const start = new Date(Date.now() - HISTORY_MINUTES * 60000).toISOString();
    let rows;
    try {
      rows = await api.history(deviceId, undefined, start);
    } catch (error) {
      container.innerHTML = `<p class="error">${h(error.message)}</p>`;
      return;
    }
    if (token !== this.token) return;
    const byPoint = new Map();
    for (const row of rows) {
      if (!byPoint.has(row.point)) byPoint.set(row.point, []);
      byPoint.get(row.point).push(row);
    }
    const series = [...byPoint].filter(([name]) => units[name] !== 'bool').slice(0, 3);
    if (!series.length) {
      container.innerHTML = `<p class="muted">${h(t('noHistory'))}</p>`;
      return;
    }
    for (const [name, samples] of series) {
      const label = document.createElement('div');
      label.className = 'muted';
      label.textContent = name;
      container.append(label, historyChart(samples, { unit: units[name] || '' }));
    }
  }
}

function table(rows) {
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function actions(gid) {
  return `<div class="actions"><button type="button" data-route-from="${h(gid)}">${h(t('routeFromHere'))}</button> <button type="button" data-route-to="${h(gid)}">${h(t('routeHere'))}</button></div>`;
}

/** @param {Schemas['OccupancyOut']} occupancy */
function occupantsHtml(occupancy) {
  if (occupancy.occupants?.length) {
    return occupancy.occupants.map((o) => `${h(o.name)} <span class="muted">${h(o.rank || '')}</span>`).join('<br>');
  }
  const n = occupancy.count;
  if (n && !occupancy.occupants) return h(t('occupantsHidden', { n }));
  return h(n ? t('occupantCount', { n }) : t('noOccupants'));
}

/** @param {string} status normal, warning, alarm or offline */
function statusBadge(status) {
  return `<span class="status" data-status="${h(status)}" style="background:${STATUS_COLOURS[status] || '#999'}">${h(t(`status${status[0].toUpperCase()}${status.slice(1)}`))}</span>`;
}

/** @param {string} level normal, warning or alarm */
function levelText(level) {
  return t(`status${level[0].toUpperCase()}${level.slice(1)}`);
}

/** @param {Schemas['ComplianceRoom']} c */
function complianceHtml(c) {
  const key = { within: 'complianceWithin', over: 'complianceOver', vacant: 'complianceVacant', not_office: 'complianceNotOffice' }[c.status] || 'complianceUnknown';
  const rows = [
    [t('compliance'), `<span class="compliance-${h(c.status)}">${h(t(key))}</span>`],
    [t('limit'), fmtArea(c.limit_m2)],
    [t('excess'), `<span data-field="excess">${fmtArea(c.excess_m2)} (${fmtNumber(c.excess_pct, 1)} %)</span>`],
  ];
  return `<h3>${h(t('compliance'))}</h3>${table(rows)}`;
}

function fmtValue(value) {
  if (typeof value === 'boolean') return value ? t('valueOn') : t('valueOff');
  if (typeof value === 'number') return fmtNumber(value, Number.isInteger(value) ? 0 : 2);
  return String(value ?? '—');
}

/** A property value as the panel shows it (booleans and numbers in the locale). */
function fmtProperty(value) {
  if (typeof value === 'boolean') return value ? t('yes') : t('no');
  if (typeof value === 'number') return fmtNumber(value, Number.isInteger(value) ? 0 : 3);
  if (Array.isArray(value)) return value.map(fmtProperty).join(', ');
  return String(value ?? '—');
}

/** The full properties of an element: identity, type, classification, property sets, quantities. */
export function propertiesHtml(p) {
  const rows = [
    [t('ifcClass'), h(p.ifc_class)],
    [t('name'), h(p.name || '—')],
    [t('elementType'), p.type ? `${h(p.type.name || '—')} <span class="muted">${h(p.type.ifc_class)}</span>` : '—'],
    [t('classification'), p.classifications.length ? p.classifications.map(h).join('<br>') : '—'],
  ];
  if (p.description) rows.push([t('description'), h(p.description)]);
  if (p.object_type) rows.push([t('objectType'), h(p.object_type)]);
  if (p.tag) rows.push([t('tag'), h(p.tag)]);
  if (p.storey) rows.push([t('storey'), h(p.storey)]);
  rows.push([t('globalId'), `<code>${h(p.global_id)}</code>`]);
  let html = table(rows);
  const sets = Object.entries(p.property_sets);
  html += `<h3>${h(t('propertySets'))} <span class="count-n">${sets.length}</span></h3>`;
  if (!sets.length) html += `<p class="muted">${h(t('noProperties'))}</p>`;
  html += sets.map(([name, values]) => `<details class="pset" data-pset="${h(name)}"><summary>${h(name)}</summary>${table(
    Object.entries(values).map(([k, v]) => [k, h(fmtProperty(v))]),
  )}</details>`).join('');
  const quantities = Object.entries(p.quantities);
  if (quantities.length) {
    html += `<h3>${h(t('quantities'))}</h3>`;
    html += quantities.map(([name, values]) => `<details class="qset" data-qset="${h(name)}" open><summary>${h(name)}</summary>${table(
      Object.entries(values).map(([k, q]) => [k, `${h(fmtNumber(q.value, 3))} ${h(q.unit)}`]),
    )}</details>`).join('');
  }
  return html;
}
