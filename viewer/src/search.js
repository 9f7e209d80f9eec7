// Search by room number, room name, device id or GlobalId; picking a result
// selects and frames it.

import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { t } from './strings.js';

const DEBOUNCE_MS = 200;

export class Search {
  constructor(input, dropdown, { buildingId, onSelect }) {
    this.input = input;
    this.dropdown = dropdown;
    this.buildingId = buildingId;
    this.onSelect = onSelect;
    /** @type {import('./api.js').Schemas['SearchHit'][]} */
    this.results = [];
    input.placeholder = t('searchPlaceholder');
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.run(), DEBOUNCE_MS);
    });
    input.addEventListener('keydown', async (e) => {
      if (e.key === 'Escape') this.close();
      if (e.key === 'Enter') {
        clearTimeout(this.timer);
        await this.run();
        if (this.results[0]) this.choose(this.results[0]);
      }
    });
    document.addEventListener('click', (e) => {
      if (!dropdown.contains(e.target) && e.target !== input) this.close();
    });
  }

  async run() {
    const q = this.input.value.trim();
    if (!q) return this.close();
    try {
      this.results = await api.search(this.buildingId, q);
    } catch (error) {
      this.results = [];
      this.dropdown.innerHTML = `<div class="error">${h(error.message)}</div>`;
      this.dropdown.hidden = false;
      return;
    }
    if (q !== this.input.value.trim()) return;
    this.dropdown.innerHTML = this.results.length
      ? this.results.map((r, i) => `<button type="button" data-i="${i}"><b>${h(r.name)}</b> <span class="muted">${h(r.kind)} · ${h(r.storey || '')}</span></button>`).join('')
      : `<div class="muted">${h(t('searchNone'))}</div>`;
    this.dropdown.querySelectorAll('[data-i]').forEach((b) => b.addEventListener('click', () => this.choose(this.results[Number(b.dataset.i)])));
    this.dropdown.hidden = false;
  }

  choose(result) {
    this.close();
    this.onSelect(result.global_id);
  }

  close() {
    this.dropdown.hidden = true;
  }
}
