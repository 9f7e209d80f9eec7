// Texts that come from the service, in the user's language: an alarm's reason
// from its stable code and parameters (the English `reason` when the service
// sent no code), and a problem's title from its type.

import { escapeHtml as h } from './colours.js';
import { fmtDay, fmtNumber, locale, t } from './strings.js';

/** Unit symbols for the units points are registered in. */
const UNIT_SYMBOLS = { degC: '°C', m3: 'm³', count: '' };

/** A unit's symbol (`degC` → `°C`), else the unit as registered. */
export function unitSymbol(unit) {
  return UNIT_SYMBOLS[unit] ?? unit ?? '';
}

/** A point's name in the UI language (known names), else as registered. */
export function pointName(point) {
  const key = `point_${point}`;
  const text = t(key);
  return text === key ? point : text;
}

function number(value) {
  return fmtNumber(value, Number.isInteger(value) ? 0 : 1);
}

/** An alarm's (or a device status's) reason in the UI language. */
export function alarmReason(alarm) {
  const p = alarm.reason_params || {};
  switch (alarm.reason_code) {
    case 'above':
    case 'below': {
      const unit = unitSymbol(p.unit);
      return t(alarm.reason_code === 'above' ? 'reasonAbove' : 'reasonBelow', {
        point: pointName(p.point), value: number(p.value), limit: number(p.limit), unit: unit ? ` ${unit}` : '',
      });
    }
    case 'state':
      return t(p.state ? 'reasonStateOn' : 'reasonStateOff', { point: pointName(p.point) });
    case 'offline':
      return t('reasonOffline', { seconds: number(p.seconds) });
    case 'patrol': {
      const key = `patrol_${p.rule}`;
      const rule = t(key) === key ? alarm.reason : t(key);
      const held = (p.conditions || []).map((c) => condition(c)).join(t('listSeparator'));
      return held ? t('reasonPatrol', { rule, conditions: held }) : rule;
    }
    case 'night':
    case 'jump':
      return t(alarm.reason_code === 'night' ? 'reasonNight' : 'reasonJump', {
        medium: medium(p.medium), day: localDay(p.day), value: energy(p.value), baseline: energy(p.baseline),
        unit: unitSymbol(p.unit), ratio: p.baseline ? fmtNumber(p.value / p.baseline, 1) : '∞',
        rooms: rooms(p.rooms || [], p.more_rooms || 0),
      });
    case 'submeters':
      return t('reasonSubmeters', {
        meters: (p.meters || []).join(t('listSeparator')), parent: p.parent, day: localDay(p.day),
        value: energy(p.value), baseline: energy(p.baseline), unit: unitSymbol(p.unit),
      });
    default:
      return alarm.reason || '';
  }
}

/** A local day (`YYYY-MM-DD`, the building's) written in the UI language, whatever the browser's zone. */
function localDay(day) {
  return day ? fmtDay(`${day}T12:00:00`) : '—';
}

function energy(value) {
  return fmtNumber(value, 2);
}

function medium(name) {
  const key = `medium_${name}`;
  return t(key) === key ? name : t(key);
}

function rooms(names, more) {
  if (!names.length && !more) return t('reasonNoRoom');
  const listed = names.join(t('listSeparator'));
  return more ? t('reasonMoreRooms', { rooms: listed, n: fmtNumber(more) }) : listed;
}

function condition(code) {
  if (code.startsWith('room_type:')) return t('conditionRoomType', { type: code.slice('room_type:'.length) });
  const key = `condition_${code}`;
  return t(key) === key ? code : t(key);
}

function problemKey(error) {
  if (error?.local) return null;
  const slug = (error?.problem?.type || '').split('/').pop();
  const key = `problem_${slug}`;
  return slug && t(key) !== key ? key : null;
}

/** A failed request's text in the UI language: the problem's title by its type; in
 * English with the service's detail (which is English), else the error's message. */
export function problemText(error) {
  const key = problemKey(error);
  if (!key) return error?.message || String(error);
  const detail = error.problem?.detail;
  return detail && locale() === 'en' ? t('problemWithDetail', { title: t(key), detail }) : t(key);
}

/** The service's English detail of a problem that {@link problemText} left out (shown
 * as a secondary line at most), '' when there is none. */
export function problemDetail(error) {
  return problemKey(error) && locale() !== 'en' ? error.problem?.detail || '' : '';
}

/** `text` (default: {@link problemText}) as HTML in `tag` of `cls`, with
 * {@link problemDetail} as a muted second line (marked as English). */
export function problemHtml(error, { text = problemText(error), tag = 'p', cls = 'error', field = 'problem' } = {}) {
  const detail = problemDetail(error);
  const more = detail ? `<br><small class="muted problem-detail" lang="en">${h(detail)}</small>` : '';
  return `<${tag} class="${cls}" data-field="${field}">${h(text)}${more}</${tag}>`;
}

