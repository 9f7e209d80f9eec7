// The HTTP client of the twin's API (/api/v1, same origin). The API key, when
// the service needs one, is entered once and kept in sessionStorage (this tab).

import { t } from './strings.js';

const BASE = '/api/v1';
const KEY_STORAGE = 'twin.apiKey';

export class ApiError extends Error {
  constructor(status, problem, fallback) {
    super((problem && (problem.detail || problem.title)) || fallback || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || null;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

async function failure(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    problem = null;
  }
  let fallback;
  if (response.status === 401) fallback = t('apiKeyNeeded');
  else if (response.status === 403) fallback = t('forbidden');
  return new ApiError(response.status, problem, fallback);
}

/** Every item of a paginated list: follows X-Next-Cursor until the last page. */
export async function requestAll(path, { query } = {}) {
  const items = [];
  let cursor = null;
  do {
    const url = new URL(BASE + path, location.origin);
    for (const [name, value] of Object.entries({ ...query, cursor })) {
      if (value !== undefined && value !== null) url.searchParams.append(name, value);
    }
    const response = await fetch(url, { headers: headers() });
    if (!response.ok) throw await failure(response);
    items.push(...(await response.json()));
    cursor = response.headers.get('X-Next-Cursor');
  } while (cursor);
  return items;
}

/** GET/POST JSON under /api/v1; throws ApiError with the problem's detail. */
export async function request(path, { method = 'GET', body, query } = {}) {
  const url = new URL(BASE + path, location.origin);
  for (const [name, value] of Object.entries(query || {})) {
    if (value === undefined || value === null || value === false) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  }
  const init = { method, headers: headers(body ? { 'Content-Type': 'application/json' } : {}) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(url, init);
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

/** The service's health (no key needed). */
export async function health() {
  const response = await fetch('/health');
  if (!response.ok) throw await failure(response);
  return response.json();
}

/**
 * Bytes from `path` with progress: `onProgress(loaded, total|null)`.
 * Returns an ArrayBuffer.
 */
export async function download(path, onProgress) {
  const response = await fetch(BASE + path, { headers: headers() });
  if (!response.ok) throw await failure(response);
  // A compressed body's Content-Length counts compressed bytes, not those read here.
  const total = response.headers.get('Content-Encoding')
    ? null
    : Number(response.headers.get('Content-Length')) || null;
  if (!response.body) return response.arrayBuffer();
  const reader = response.body.getReader();
  const chunks = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress(loaded, total);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes.buffer;
}

/** The URL of the live event stream (EventSource cannot send headers: key in the query). */
export function eventsUrl(buildingId) {
  const url = new URL(`${BASE}/events`, location.origin);
  url.searchParams.set('building', buildingId);
  const key = apiKey();
  if (key) url.searchParams.set('api_key', key);
  return url.toString();
}

export const api = {
  buildings: () => request('/buildings'),
  building: (id) => request(`/buildings/${enc(id)}`),
  storeys: (id) => request(`/buildings/${enc(id)}/storeys`),
  spaces: (id) => request(`/buildings/${enc(id)}/spaces`),
  space: (id, gid) => request(`/buildings/${enc(id)}/spaces/${enc(gid)}`),
  element: (id, gid) => request(`/buildings/${enc(id)}/elements/${enc(gid)}`),
  search: (id, q) => request(`/buildings/${enc(id)}/search`, { query: { q } }),
  route: (id, query) => request(`/buildings/${enc(id)}/route`, { query }),
  round: (id, body) => request(`/buildings/${enc(id)}/rounds`, { method: 'POST', body }),
  compliance: (id) => request(`/buildings/${enc(id)}/compliance`),
  devices: (id) => requestAll('/devices', { query: { building: id } }),
  device: (deviceId) => request(`/devices/${enc(deviceId)}`),
  history: (deviceId, point, start) =>
    requestAll(`/devices/${enc(deviceId)}/history`, { query: { point, start } }),
  alarms: (id) => requestAll('/alarms', { query: { building: id, state: 'open' } }),
  acknowledge: (alarmId) => request(`/alarms/${enc(alarmId)}/acknowledge`, { method: 'POST' }),
  /** A storey's floor plan (svg, png or pdf) coloured like `colour`, as a Blob. */
  plan: async (id, storey, fmt, colour) =>
    new Blob(
      [await download(`/buildings/${enc(id)}/plans/${enc(storey)}.${fmt}?colour=${enc(colour)}`, () => {})],
      { type: { svg: 'image/svg+xml', png: 'image/png', pdf: 'application/pdf' }[fmt] },
    ),
  sceneGlb: (id, onProgress) => download(`/buildings/${enc(id)}/scene.glb`, onProgress),
  properties: (id, gid) => request(`/buildings/${enc(id)}/elements/${enc(gid)}/properties`),
  elementNames: (id) => request(`/buildings/${enc(id)}/element-names`),
  heatMap: (id, quantity, at) => request(`/buildings/${enc(id)}/heatmap`, { query: { quantity, at } }),
  energyIntensity: (id, from, to, medium = 'electricity') =>
    request(`/buildings/${enc(id)}/energy/intensity`, { query: { from, to, medium } }),
  workOrders: (id) => request('/work-orders', { query: { building: id, status: 'active' } }),
  viewpoints: (orderId) => request(`/work-orders/${enc(orderId)}/viewpoints`),
  saveViewpoint: (orderId, body) => request(`/work-orders/${enc(orderId)}/viewpoints`, { method: 'POST', body }),
  meetingRooms: (id) => request(`/buildings/${enc(id)}/meeting-rooms`),
  /** Free rooms for `query` ({from, to, attendees, step_free, equipment, near}). */
  freeMeetingRooms: (id, query) => request(`/buildings/${enc(id)}/meeting-rooms/free`, { query }),
  /** Bookings overlapping `query.from`-`query.to` ({room, from, to, state}). */
  bookings: (id, query) => request(`/buildings/${enc(id)}/bookings`, { query }),
  booking: (id, bookingId) => request(`/buildings/${enc(id)}/bookings/${enc(bookingId)}`),
  book: (id, body) => request(`/buildings/${enc(id)}/bookings`, { method: 'POST', body }),
  cancelBooking: (id, bookingId) => request(`/buildings/${enc(id)}/bookings/${enc(bookingId)}`, { method: 'DELETE' }),
  visitorRoute: (id, bookingId) => request(`/buildings/${enc(id)}/bookings/${enc(bookingId)}/visitor-route`),
  /** The visitor's route on the floor plan, one printable PDF page, as a Blob. */
  visitorRoutePdf: async (id, bookingId) =>
    new Blob([await download(`/buildings/${enc(id)}/bookings/${enc(bookingId)}/visitor-route.pdf`, () => {})], { type: 'application/pdf' }),
  /** The booking as an iCalendar file, as a Blob. */
  bookingIcs: async (id, bookingId) =>
    new Blob([await download(`/buildings/${enc(id)}/bookings/${enc(bookingId)}.ics`, () => {})], { type: 'text/calendar' }),
};

function enc(value) {
  return encodeURIComponent(value);
}
