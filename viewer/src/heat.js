// Heat maps over time: the rooms' values of a live quantity from the API at a
// moment chosen on a time slider (the stored history up to now; at the right
// end the map follows live readings).

import { api } from './api.js';
import { HEAT_SCALES } from './colours.js';
import { escapeHtml as h } from './colours.js';
import { fmtDateTime, fmtNumber, t } from './strings.js';
import { problemHtml } from './messages.js';

/** Slider step, s. */
const STEP_S = 60;
/** Wait after the slider stops or a reading arrives before asking again, ms. */
const SETTLE_MS = 150;
const LIVE_REFRESH_MS = 1000;

export class HeatTimeline {
  constructor(element, colours, { buildingId }) {
    this.element = element;
    this.colours = colours;
    this.buildingId = buildingId;
    this.quantity = null;
    this.at = null; // null: live
    this.range = null; // [start ms, end ms]
    this.token = 0;
    this.element.hidden = true;
  }

  /** Turn the heat map on for a quantity (a colour mode), or off with null. */
  async setQuantity(quantity) {
    this.quantity = HEAT_SCALES[quantity] ? quantity : null;
    this.at = null;
    this.element.hidden = !this.quantity;
    if (this.quantity) await this.load();
  }

  async load() {
    const token = ++this.token;
    const quantity = this.quantity;
    let heat;
    try {
      heat = await api.heatMap(this.buildingId, quantity, this.at === null ? undefined : new Date(this.at).toISOString());
    } catch (error) {
      if (token === this.token) this.element.innerHTML = problemHtml(error);
      return;
    }
    if (token !== this.token || quantity !== this.quantity) return;
    this.colours.heat = new Map(heat.rooms.map((r) => [r.global_id, r.value]));
    this.colours.apply();
    const now = Date.now();
    const start = heat.history_start ? Date.parse(heat.history_start) : null;
    this.range = start === null ? null : [Math.min(start, now - STEP_S * 1000), now];
    this.render(heat);
  }

  render(heat) {
    const missing = heat.rooms.filter((r) => r.value == null).length;
    const summary = t('heatRooms', { n: fmtNumber(heat.rooms.length - missing), missing: fmtNumber(missing) });
    if (!this.range) {
      this.element.innerHTML = `<span class="muted">${h(t('heatNoHistory'))}</span> <span class="muted">${h(summary)}</span>`;
      return;
    }
    const [lo, hi] = this.range.map((ms) => Math.floor(ms / 1000));
    const value = this.at === null ? hi : Math.floor(this.at / 1000);
    const label = this.at === null ? t('heatLive') : fmtDateTime(this.at);
    this.element.innerHTML = `<label>${h(t('heatTime'))} <input type="range" id="heat-time" min="${lo}" max="${hi}" step="1" value="${value}"></label>
      <span data-field="heat-at">${h(t('heatAt', { time: label }))}</span> <span class="muted">${h(summary)}</span>`;
    const slider = this.element.querySelector('#heat-time');
    slider.addEventListener('input', () => {
      const seconds = Number(slider.value);
      this.at = seconds >= hi - STEP_S / 2 ? null : seconds * 1000;
      this.element.querySelector('[data-field="heat-at"]').textContent = t('heatAt', { time: this.at === null ? t('heatLive') : fmtDateTime(this.at) });
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.load(), SETTLE_MS);
    });
  }

  /** A live reading arrived: follow it when the slider is at "now". */
  onReading() {
    if (!this.quantity || this.at !== null) return;
    clearTimeout(this.live);
    this.live = setTimeout(() => this.load(), LIVE_REFRESH_MS);
  }
}
