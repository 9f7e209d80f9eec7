// The HTTP client of the twin's API (same origin), generated from the contract:
// `src/generated/api.d.ts` holds the types openapi-typescript writes from
// `api/openapi.json` (`npm run generate`), and every call goes through
// openapi-fetch keyed by those `paths`, so `npm run check` (tsc --checkJs) fails
// on a path, method or parameter the schema lacks, or on reading a field an
// answer does not have. The API key, when the service needs one, is entered once
// and kept in sessionStorage (this tab).

import createClient from 'openapi-fetch';
import { t } from './strings.js';

/** @typedef {import('./generated/api').paths} paths */
/** @typedef {import('./generated/api').components['schemas']} Schemas */

const KEY_STORAGE = 'twin.apiKey';

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {Schemas['Problem'] | null} problem the RFC 9457 problem the API answered, if any
   * @param {string} [fallback] the message when there is no problem text
   * @param {{ local?: boolean }} [options] `local`: the message is `fallback` even with a problem
   */
  constructor(status, problem, fallback, { local = false } = {}) {
    super((!local && problem && (problem.detail || problem.title)) || fallback || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) || '';
}

/** @param {string} key */
export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

/** The typed client: `client.GET('/api/v1/…', { params })` with the key on every request. */
export const client = /** @type {import('openapi-fetch').Client<paths>} */ (createClient({ baseUrl: location.origin }));
client.use({
  onRequest({ request }) {
    const key = apiKey();
    if (key) request.headers.set('Authorization', `Bearer ${key}`);
    return request;
  },
});

/**
 * The error of a failed answer: the problem's detail, else a message in the UI's
 * language for 401/403.
 * @param {Response} response
 * @param {unknown} body the parsed error body
 */
function failure(response, body) {
  const problem = body && typeof body === 'object' && 'title' in body ? /** @type {Schemas['Problem']} */ (body) : null;
  // Who may do what is the UI's message, in its language; the problem stays on the error.
  if (response.status === 401) return new ApiError(401, problem, t('apiKeyNeeded'), { local: true });
  if (response.status === 403) return new ApiError(403, problem, t('forbidden'), { local: true });
  return new ApiError(response.status, problem);
}

/**
 * The data of a call, or an ApiError.
 * @template T
 * @param {Promise<{ data?: T, error?: unknown, response: Response }>} call
 * @returns {Promise<T>}
 */
export async function ok(call) {
  const { data, error, response } = await call;
  if (!response.ok) throw failure(response, error);
  return /** @type {T} */ (data);
}

/**
 * Every item of a paginated list: follows X-Next-Cursor until the last page.
 * @template T
 * @param {(cursor: string | undefined) => Promise<{ data?: T[], error?: unknown, response: Response }>} page
 * @returns {Promise<T[]>}
 */
export async function all(page) {
  const items = [];
  let cursor;
  do {
    const { data, error, response } = await page(cursor);
    if (!response.ok) throw failure(response, error);
    items.push(.../** @type {T[]} */ (data));
    cursor = response.headers.get('X-Next-Cursor') || undefined;
  } while (cursor);
  return items;
}

/**
 * The bytes of a streamed answer with progress: `onProgress(loaded, total|null)`.
 * @param {Promise<{ data?: unknown, error?: unknown, response: Response }>} call a GET with `parseAs: 'stream'`
 * @param {(loaded: number, total: number | null) => void} onProgress
 * @returns {Promise<ArrayBuffer>}
 */
async function bytes(call, onProgress) {
  const { error, response } = await call;
  if (!response.ok) throw failure(response, error);
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
  const buffer = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    buffer.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return buffer.buffer;
}

/** The service's health (no key needed). */
export function health() {
  return ok(client.GET('/health'));
}

const PLAN_TYPES = { svg: 'image/svg+xml', png: 'image/png', pdf: 'application/pdf' };

/** @param {string} building_id */
const inBuilding = (building_id) => ({ path: { building_id } });

export const api = {
  buildings: () => ok(client.GET('/api/v1/buildings')),
  /** @param {string} id */
  building: (id) => ok(client.GET('/api/v1/buildings/{building_id}', { params: inBuilding(id) })),
  /** @param {string} id */
  storeys: (id) => ok(client.GET('/api/v1/buildings/{building_id}/storeys', { params: inBuilding(id) })),
  /** @param {string} id */
  spaces: (id) => ok(client.GET('/api/v1/buildings/{building_id}/spaces', { params: inBuilding(id) })),
  /** @param {string} id @param {string} gid */
  space: (id, gid) => ok(client.GET('/api/v1/buildings/{building_id}/spaces/{global_id}', {
    params: { path: { building_id: id, global_id: gid } },
  })),
  /** @param {string} id @param {string} gid */
  element: (id, gid) => ok(client.GET('/api/v1/buildings/{building_id}/elements/{global_id}', {
    params: { path: { building_id: id, global_id: gid } },
  })),
  /** @param {string} id @param {string} q */
  search: (id, q) => ok(client.GET('/api/v1/buildings/{building_id}/search', {
    params: { path: { building_id: id }, query: { q } },
  })),
  /** @param {string} id @param {paths['/api/v1/buildings/{building_id}/route']['get']['parameters']['query']} query */
  route: (id, query) => ok(client.GET('/api/v1/buildings/{building_id}/route', {
    params: { path: { building_id: id }, query },
  })),
  /** A maintenance round from `from` over `to` (references; `alarm:<id>` visits an alarm's equipment).
   * @param {string} id @param {paths['/api/v1/buildings/{building_id}/rounds']['get']['parameters']['query']} query */
  round: (id, query) => ok(client.GET('/api/v1/buildings/{building_id}/rounds', {
    params: { path: { building_id: id }, query },
  })),
  /** @param {string} id */
  /** The compliance report as JSON (the operation also answers XLSX with `format=xlsx`). */
  compliance: (id) => /** @type {Promise<Schemas['ComplianceOut']>} */ (
    ok(client.GET('/api/v1/buildings/{building_id}/compliance', { params: inBuilding(id) }))),
  /** The compliance report as an XLSX Blob (personal data: the housing role).
   * @param {string} id */
  complianceReport: async (id) => new Blob(
    [await bytes(client.GET('/api/v1/buildings/{building_id}/compliance', {
      params: { path: { building_id: id }, query: { format: 'xlsx' } }, parseAs: 'stream',
    }), () => {})],
    { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  ),
  /** @param {string} id */
  devices: (id) => all((cursor) => client.GET('/api/v1/devices', { params: { query: { building: id, cursor } } })),
  /** @param {string} deviceId */
  device: (deviceId) => ok(client.GET('/api/v1/devices/{device_id}', { params: { path: { device_id: deviceId } } })),
  /** @param {string} deviceId @param {string | undefined} point @param {string} start ISO time (UTC) */
  history: (deviceId, point, start) => all((cursor) => client.GET('/api/v1/devices/{device_id}/history', {
    params: { path: { device_id: deviceId }, query: { point, start, cursor } },
  })),
  /** @param {string} id */
  alarms: (id) => all((cursor) => client.GET('/api/v1/alarms', { params: { query: { building: id, state: 'open', cursor } } })),
  /** @param {string} alarmId */
  acknowledge: (alarmId) => ok(client.POST('/api/v1/alarms/{alarm_id}/acknowledge', { params: { path: { alarm_id: alarmId } } })),
  /** A storey's floor plan coloured like `colour`, as a Blob.
   * @param {string} id @param {string} storey @param {'svg' | 'png' | 'pdf'} fmt
   * @param {paths['/api/v1/buildings/{building_id}/plans/{storey}.{fmt}']['get']['parameters']['query']['colour']} colour */
  plan: async (id, storey, fmt, colour) => new Blob(
    [await bytes(client.GET('/api/v1/buildings/{building_id}/plans/{storey}.{fmt}', {
      params: { path: { building_id: id, storey, fmt }, query: { colour } }, parseAs: 'stream',
    }), () => {})],
    { type: PLAN_TYPES[fmt] },
  ),
  /** @param {string} id @param {(loaded: number, total: number | null) => void} onProgress */
  sceneGlb: (id, onProgress) => bytes(
    client.GET('/api/v1/buildings/{building_id}/scene.glb', { params: inBuilding(id), parseAs: 'stream' }),
    onProgress,
  ),
  /** @param {string} id @param {string} gid */
  properties: (id, gid) => ok(client.GET('/api/v1/buildings/{building_id}/elements/{global_id}/properties', {
    params: { path: { building_id: id, global_id: gid } },
  })),
  /** @param {string} id */
  elementNames: (id) => ok(client.GET('/api/v1/buildings/{building_id}/element-names', { params: inBuilding(id) })),
  /** @param {string} id @param {NonNullable<paths['/api/v1/buildings/{building_id}/heatmap']['get']['parameters']['query']>['quantity']} quantity
   * @param {string | undefined} at */
  heatMap: (id, quantity, at) => ok(client.GET('/api/v1/buildings/{building_id}/heatmap', {
    params: { path: { building_id: id }, query: { quantity, at } },
  })),
  /** Energy per m² of each room over [from, to) (ISO times, UTC).
   * @param {string} id @param {string} from @param {string} to
   * @param {paths['/api/v1/buildings/{building_id}/energy/intensity']['get']['parameters']['query']['medium']} [medium] */
  energyIntensity: (id, from, to, medium = 'electricity') => ok(client.GET('/api/v1/buildings/{building_id}/energy/intensity', {
    params: { path: { building_id: id }, query: { from, to, medium } },
  })),
  /** @param {string} id */
  workOrders: (id) => all((cursor) => client.GET('/api/v1/work-orders', { params: { query: { building: id, status: 'active', cursor } } })),
  /** @param {string} orderId */
  viewpoints: (orderId) => ok(client.GET('/api/v1/work-orders/{order_id}/viewpoints', { params: { path: { order_id: orderId } } })),
  /** @param {string} id */
  meetingRooms: (id) => ok(client.GET('/api/v1/buildings/{building_id}/meeting-rooms', { params: inBuilding(id) })),
  /** Free rooms for `query` ({from, to, attendees, step_free, equipment, near}).
   * @param {string} id @param {paths['/api/v1/buildings/{building_id}/meeting-rooms/free']['get']['parameters']['query']} query */
  freeMeetingRooms: (id, query) => ok(client.GET('/api/v1/buildings/{building_id}/meeting-rooms/free', {
    params: { path: { building_id: id }, query },
  })),
  /** Bookings overlapping `query.from`-`query.to` ({room, from, to, state}).
   * @param {string} id @param {paths['/api/v1/buildings/{building_id}/bookings']['get']['parameters']['query']} query */
  bookings: (id, query) => ok(client.GET('/api/v1/buildings/{building_id}/bookings', {
    params: { path: { building_id: id }, query },
  })),
  /** @param {string} id @param {string} bookingId */
  booking: (id, bookingId) => ok(client.GET('/api/v1/buildings/{building_id}/bookings/{booking_id}', {
    params: { path: { building_id: id, booking_id: bookingId } },
  })),
  /** @param {string} id @param {Schemas['BookingIn']} body */
  book: (id, body) => ok(client.POST('/api/v1/buildings/{building_id}/bookings', { params: inBuilding(id), body })),
  /** @param {string} id @param {string} bookingId */
  cancelBooking: (id, bookingId) => ok(client.DELETE('/api/v1/buildings/{building_id}/bookings/{booking_id}', {
    params: { path: { building_id: id, booking_id: bookingId } },
  })),
  /** @param {string} id @param {string} bookingId */
  visitorRoute: (id, bookingId) => ok(client.GET('/api/v1/buildings/{building_id}/bookings/{booking_id}/visitor-route', {
    params: { path: { building_id: id, booking_id: bookingId } },
  })),
  /** The visitor's route on the floor plan, one printable PDF page, as a Blob.
   * @param {string} id @param {string} bookingId */
  visitorRoutePdf: async (id, bookingId) => new Blob(
    [await bytes(client.GET('/api/v1/buildings/{building_id}/bookings/{booking_id}/visitor-route.pdf', {
      params: { path: { building_id: id, booking_id: bookingId } }, parseAs: 'stream',
    }), () => {})],
    { type: 'application/pdf' },
  ),
  /** The booking as an iCalendar file, as a Blob.
   * @param {string} id @param {string} bookingId */
  bookingIcs: async (id, bookingId) => new Blob(
    [await bytes(client.GET('/api/v1/buildings/{building_id}/bookings/{booking_id}.ics', {
      params: { path: { building_id: id, booking_id: bookingId } }, parseAs: 'stream',
    }), () => {})],
    { type: 'text/calendar' },
  ),
  /** @param {string} orderId @param {Schemas['ViewpointIn']} body */
  saveViewpoint: (orderId, body) => ok(client.POST('/api/v1/work-orders/{order_id}/viewpoints', {
    params: { path: { order_id: orderId } }, body,
  })),
};
