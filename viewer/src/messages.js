// Texts that come from the service, in the user's language: an alarm's reason
// from its stable code and parameters (the English `reason` when the service
// sent no code), and a problem's title from its type.

import { fmtNumber, t } from './strings.js';

/** Unit symbols for the units points are registered in. */
const UNIT_SYMBOLS = { degC: '°C', m3: 'm³', count: '' };

/** A point's name in the UI language (known names), else as registered. */
export function pointName(point) {
  const key = `point_${point}`;
  const text = t(key);
  return text === key ? point : text;
}

function number(value) {
  return fmtNumber(value, Number.isInteger(value) ? 0 : 1);
}

/** An alarm's reason in the UI language. */
export function alarmReason(alarm) {
  const p = alarm.reason_params || {};
  switch (alarm.reason_code) {
    case 'above':
    case 'below': {
      const unit = UNIT_SYMBOLS[p.unit] ?? p.unit ?? '';
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
      const held = (p.conditions || []).map((c) => condition(c)).join('、');
      return held ? t('reasonPatrol', { rule, conditions: held }) : rule;
    }
    default:
      return alarm.reason || '';
  }
}

function condition(code) {
  if (code.startsWith('room_type:')) return t('conditionRoomType', { type: code.slice('room_type:'.length) });
  const key = `condition_${code}`;
  return t(key) === key ? code : t(key);
}

/** A failed request's text: the problem's title in the UI language, with the service's detail. */
export function problemText(error) {
  const slug = (error.problem?.type || '').split('/').pop();
  const key = `problem_${slug}`;
  if (!slug || t(key) === key) return error.message;
  const detail = error.problem?.detail;
  return detail ? t('problemWithDetail', { title: t(key), detail }) : t(key);
}
