// The open-alarm list: most severe first, then oldest; click to select the device.

import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { alarmReason } from './messages.js';
import { fmtAge, t } from './strings.js';

const SEVERITY_RANK = { critical: 0, alarm: 1, warning: 2 };

export class AlarmList {
  constructor(element, { buildingId, onSelect }) {
    this.element = element;
    this.buildingId = buildingId;
    this.onSelect = onSelect;
    /** @type {Map<string, import('./api.js').Schemas['AlarmOut']>} id -> alarm */
    this.alarms = new Map();
  }

  async load() {
    try {
      const alarms = await api.alarms(this.buildingId);
      this.alarms = new Map(alarms.map((a) => [a.id, a]));
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    this.render();
  }

  /** An alarm event from the live stream: add, update or drop it. */
  update(alarm) {
    if (alarm.building && alarm.building !== this.buildingId) return;
    if (isOpen(alarm)) this.alarms.set(alarm.id, alarm);
    else this.alarms.delete(alarm.id);
    this.render();
  }

  /** Open alarms of an element (a GlobalId). */
  forElement(gid) {
    return this.sorted().filter((a) => a.global_id === gid);
  }

  sorted() {
    return [...this.alarms.values()].sort((a, b) =>
      (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3)
      || Date.parse(a.raised_at) - Date.parse(b.raised_at));
  }

  render() {
    const alarms = this.sorted();
    let html = `<h2>${h(t('alarms'))} <span class="count">${alarms.length}</span></h2>`;
    if (this.error) html += `<p class="error">${h(this.error)}</p>`;
    if (!alarms.length) html += `<p class="muted">${h(t('alarmsNone'))}</p>`;
    html += `<ul class="alarm-list">${alarms.map((a) => `
      <li class="alarm sev-${h(a.severity)}" data-alarm="${h(a.id)}" data-device="${h(a.device_id)}" data-gid="${h(a.global_id || '')}">
        <button type="button" class="alarm-select"><b>${h(a.device_id)}</b> ${h(a.point)} <span class="sev">${h(t(a.severity === 'warning' ? 'severityWarning' : 'severityAlarm'))}</span><br>
        <span class="muted" data-field="reason">${h(alarmReason(a))} · ${h(t('ago', { t: age(a.raised_at) }))}</span></button>
        <button type="button" class="alarm-route" title="${h(t('routeHere'))}">➜</button>
      </li>`).join('')}</ul>`;
    this.element.innerHTML = html;
    this.element.querySelectorAll('li.alarm').forEach((li) => {
      const alarm = this.alarms.get(li.dataset.alarm);
      li.querySelector('.alarm-select').addEventListener('click', () => this.onSelect(alarm, false));
      li.querySelector('.alarm-route').addEventListener('click', () => this.onSelect(alarm, true));
    });
  }
}

function isOpen(alarm) {
  return alarm.state === 'raised' || alarm.state === 'acknowledged';
}

function age(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  return Number.isFinite(seconds) ? fmtAge(seconds) : '?';
}
