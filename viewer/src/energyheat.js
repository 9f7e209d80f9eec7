// The energy heat map: rooms coloured by electricity per m² over a chosen
// period (the last day, week or 30 days up to the current hour, or whole local
// days picked on a calendar), from the energy intensity endpoint, which
// apportions each meter's own consumption to the rooms it feeds by area. The
// legend's scale runs over the period's lowest to highest room; rooms no meter
// feeds are drawn as "not metered".

import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { fmtNumber, t } from './strings.js';
import { problemText } from './messages.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
/** The periods offered, hours back from the current whole hour. */
const PERIODS = { day: 24, week: 7 * 24, month: 30 * 24 };

export class EnergyHeat {
  constructor(element, colours, { buildingId }) {
    this.element = element;
    this.colours = colours;
    this.buildingId = buildingId;
    this.on = false;
    this.period = 'week';
    this.custom = null; // [from date, to date] as 'YYYY-MM-DD' (local days, both included)
    this.token = 0;
  }

  /** Turn the energy heat map on or off (the colour mode "energy"). */
  async setOn(on) {
    this.on = on;
    delete this.element.dataset.window;
    if (!on) return;
    this.element.hidden = false;
    this.colours.heat = new Map();
    await this.load();
  }

  /** The chosen period as [start, end) Dates on whole hours. */
  window() {
    if (this.period === 'custom' && this.custom) {
      const [from, to] = this.custom.map((d) => localMidnight(d));
      return [from, new Date(to.getTime() + DAY_MS)];
    }
    const end = new Date(Math.floor(Date.now() / HOUR_MS) * HOUR_MS);
    return [new Date(end.getTime() - PERIODS[this.period] * HOUR_MS), end];
  }

  async load() {
    const token = ++this.token;
    const [start, end] = this.window();
    let answer;
    try {
      answer = await api.energyIntensity(this.buildingId, start.toISOString(), end.toISOString());
    } catch (error) {
      if (token === this.token && this.on) this.render(null, problemText(error));
      return;
    }
    if (token !== this.token || !this.on) return;
    this.colours.heat = new Map(answer.rooms.map((r) => [r.global_id, r.per_m2]));
    const lo = answer.min ?? 0;
    const hi = answer.max ?? 0;
    const digits = hi - lo < 0.1 ? 3 : 2;
    this.colours.energyScale = {
      min: lo, max: hi > lo ? hi : lo + 10 ** -digits, unit: t('energyUnit'), digits,
      label: 'heatEnergy', noData: 'energyNoData', noSensor: 'energyNoMeter',
    };
    this.colours.apply();
    this.render(answer);
    this.element.dataset.window = `${answer.from}/${answer.to}`;
  }

  render(answer, error = null) {
    const [start, end] = this.window();
    const day = (date) => isoDay(date);
    const from = this.custom?.[0] ?? day(start);
    const to = this.custom?.[1] ?? day(new Date(end.getTime() - 1));
    const options = [...Object.keys(PERIODS), 'custom']
      .map((p) => `<option value="${p}" ${p === this.period ? 'selected' : ''}>${h(t(`energyPeriod${p[0].toUpperCase()}${p.slice(1)}`))}</option>`)
      .join('');
    let summary = '';
    if (answer) {
      const metered = answer.rooms.filter((r) => r.per_m2 != null).length;
      const rooms = this.colours.viewer.rooms.length;
      summary = t('energyRooms', { n: fmtNumber(metered), missing: fmtNumber(Math.max(rooms - metered, 0)) });
    }
    this.element.innerHTML = `<label>${h(t('energyPeriod'))} <select id="energy-period">${options}</select></label>
      <label>${h(t('energyFrom'))} <input type="date" id="energy-from" value="${h(from)}"></label>
      <label>${h(t('energyTo'))} <input type="date" id="energy-to" value="${h(to)}"></label>
      ${error ? `<span class="error">${h(error)}</span>` : `<span class="muted" data-field="energy-summary">${h(summary)}</span>`}`;
    this.element.querySelector('#energy-period').addEventListener('change', (e) => {
      this.period = e.target.value;
      if (this.period !== 'custom') this.custom = null;
      else this.custom = [this.element.querySelector('#energy-from').value, this.element.querySelector('#energy-to').value];
      this.load();
    });
    for (const [index, id] of ['energy-from', 'energy-to'].entries()) {
      this.element.querySelector(`#${id}`).addEventListener('change', (e) => {
        if (!e.target.value) return;
        // The day just picked wins: the other end follows it when they would cross.
        const days = this.custom ? [...this.custom] : [from, to];
        days[index] = e.target.value;
        if (days[0] > days[1]) days[1 - index] = days[index];
        this.period = 'custom';
        this.custom = days;
        this.load();
      });
    }
  }
}

function localMidnight(isoDate) {
  const [y, m, d] = isoDate.split('-').map(Number);
  return new Date(y, m - 1, d);
}

function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
