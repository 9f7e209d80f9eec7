// Meeting rooms (会议室): the colour mode (bookable rooms free, booked or in use, now
// or for a chosen time) and the booking panel: find a free room, book it, the room's
// bookings of the day, cancel, and the visitors' route from the entrance.
//
// Times are entered in the browser's local time and sent as UTC instants; the
// service checks opening hours in the building's own time zone.

import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import './meetings.css';
import { fmtDay, fmtNumber, fmtTime, t } from './strings.js';

export const MEETING_COLOURS = {
  free: '#3aa35a',
  booked: '#e8590c',
  pending: '#f2c94c',
  in_use: '#7048e8',
  not_bookable: '#e1e4e8',
};
const STATUS_KEYS = { free: 'meetStatusFree', booked: 'meetStatusBooked', pending: 'meetStatusPending', in_use: 'meetStatusInUse' };
const STATE_KEYS = { booked: 'stateBooked', pending: 'statePending', released: 'stateReleased', cancelled: 'stateCancelled', rejected: 'stateRejected' };
const FEATURES = { display: 'featureDisplay', video_conferencing: 'featureVideo', audio: 'featureAudio' };
/** States that hold a room. */
const HOLDING = ['pending', 'booked'];
/** States listed in a room's day (cancelled and rejected ones no longer matter there). */
const DAY_STATES = ['pending', 'booked', 'released'];
/** Statuses follow meetings starting and ending, and occupancy, at least this often. */
const REFRESH_MS = 60_000;
/** Bursts of booking events and edits of the time fields load once. */
const SETTLE_MS = 250;
/** The form's first suggestion: the next quarter hour, for this long. */
const QUARTER_MS = 15 * 60_000;
const DEFAULT_LENGTH_MS = 60 * 60_000;
const DEFAULT_ATTENDEES = 4;

export class MeetingPanel {
  /**
   * `colours`: the viewer's Colours (this module owns its `meetings` mode);
   * `selection()` the selected GlobalId; `onSelect(gid)` selects a room in 3D;
   * `onRoute(route, gid)` draws a visitors' route; `onChange()` after each load;
   * `roomOf(gid)` the room a piece of equipment is in.
   */
  /** @param {any} element @param {any} colours
   * @param {{ buildingId: string, selection: () => any, onSelect: (gid: string) => void, onRoute: (route: any, gid: string) => any, onChange?: () => void, roomOf: (gid: string) => any }} options */
  constructor(element, colours, { buildingId, selection, onSelect, onRoute, onChange, roomOf }) {
    this.element = element;
    this.colours = colours;
    this.buildingId = buildingId;
    this.selection = selection;
    this.onSelect = onSelect;
    this.onRoute = onRoute;
    this.onChange = onChange || (() => {});
    this.roomOf = roomOf || (() => null);
    this.active = false;
    this.rooms = new Map(); // gid -> meeting-room listing (status now)
    this.holding = new Map(); // gid -> booking holding the room in the window
    this.window = null; // null: now; else {start, end} (Date)
    this.room = null; // the room the panel shows
    this.loads = 0;
    this.shown = null; // the window the colours show (null: now)
    this.token = 0;
    colours.owners.meetings = { colour: (gid) => this.colour(gid), legend: (heading, row) => this.legend(heading, row) };
    element.hidden = true;
    this.render();
  }

  // --- the colour mode -------------------------------------------------------
  /** Turn the mode and the panel on or off. */
  setActive(on) {
    this.active = on;
    this.element.hidden = !on;
    clearInterval(this.timer);
    if (!on) return;
    this.timer = setInterval(() => this.load(), REFRESH_MS);
    const gid = this.selection();
    if (gid && gid !== this.room) this.room = gid;
    this.load();
  }

  /** A room's status in the loaded window: free, booked, pending, in_use; null when not bookable. */
  statusOf(gid) {
    const listing = this.rooms.get(gid);
    if (!listing) return null;
    const span = this.shown;
    if (!span) return listing.status === 'booked' && this.holding.get(gid)?.state === 'pending' ? 'pending' : listing.status;
    const now = Date.now();
    if (listing.occupied && +span.start <= now && now < +span.end) return 'in_use';
    const booking = this.holding.get(gid);
    if (!booking) return 'free';
    return booking.state === 'pending' ? 'pending' : 'booked';
  }

  colour(gid) {
    return MEETING_COLOURS[this.statusOf(gid) || 'not_bookable'];
  }

  legend(heading, row) {
    heading(`${t('modeMeetings')} · ${this.shown ? this.whenText(this.shown) : t('meetNow')}`);
    for (const status of ['free', 'booked', 'pending', 'in_use']) row(MEETING_COLOURS[status], t(STATUS_KEYS[status]));
    row(MEETING_COLOURS.not_bookable, t('meetNotBookable'));
  }

  /** Rooms with their status now, and the bookings holding them in the window. */
  async load() {
    if (!this.active) return;
    const token = ++this.token;
    const asked = this.window;
    const span = asked || { start: new Date(), end: new Date() };
    try {
      const [rooms, held] = await Promise.all([
        api.meetingRooms(this.buildingId),
        api.bookings(this.buildingId, { from: iso(span.start), to: iso(span.end), state: HOLDING }),
      ]);
      if (token !== this.token) return;
      this.rooms = new Map(rooms.map((r) => [r.global_id, r]));
      const now = Date.now();
      this.holding = new Map(held.bookings
        .filter((b) => asked || Date.parse(b.start) <= now)
        .map((b) => [b.room, b]));
      this.error = null;
    } catch (error) {
      if (token !== this.token) return;
      this.error = error.message;
    }
    this.shown = asked;
    this.colours.apply();
    this.element.querySelector('#meet-window').textContent = this.shown ? t('meetShowing', { when: this.whenText(this.shown) }) : t('meetShowingNow');
    this.say(this.error ? { error: this.error } : null, { keep: true });
    await this.showRoom(this.room, { quiet: true });
    if (token !== this.token) return;
    this.loads += 1;
    this.onChange();
  }

  /** A live event: bookings changed somewhere in the building. */
  onEvent(kind) {
    if (!this.active || (kind !== 'booking' && kind !== 'reset')) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.load(), SETTLE_MS);
  }

  /** A live reading of a device: an occupancy sensor in a bookable room may have
   * started or ended its use, which matters when the colours show now. */
  onReading(gid) {
    if (!this.active || !this.rooms.has(this.roomOf(gid))) return;
    const now = Date.now();
    if (this.shown && (now < +this.shown.start || now >= +this.shown.end)) return;
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.load(), SETTLE_MS);
  }

  /** A selection in 3D: show the room when it is bookable. */
  select(gid) {
    if (!this.active || !gid || gid === this.room) return;
    if (this.rooms.has(gid)) this.showRoom(gid);
  }

  // --- the panel --------------------------------------------------------------
  render() {
    const start = new Date(Math.ceil(Date.now() / QUARTER_MS) * QUARTER_MS);
    const end = new Date(start.getTime() + DEFAULT_LENGTH_MS);
    this.element.innerHTML = `
      <h2>${h(t('meetings'))}</h2>
      <div class="meet-when">
        <label>${h(t('meetDate'))}<input type="date" id="meet-date" value="${localDate(start)}"></label>
        <label>${h(t('meetFrom'))}<input type="time" id="meet-from" step="300" value="${localTime(start)}"></label>
        <label>${h(t('meetTo'))}<input type="time" id="meet-to" step="300" value="${localTime(end)}"></label>
        <button type="button" id="meet-now">${h(t('meetNow'))}</button>
      </div>
      <p class="muted" id="meet-window">${h(t('meetShowingNow'))}</p>
      <div class="meet-needs">
        <label>${h(t('meetAttendees'))} <input type="number" id="meet-attendees" min="1" value="${DEFAULT_ATTENDEES}"></label>
        <label class="check"><input type="checkbox" id="meet-step-free"> ${h(t('meetStepFree'))}</label>
        <div>${h(t('meetEquipment'))}: ${Object.entries(FEATURES).map(([f, key]) => `<label class="inline"><input type="checkbox" data-feature="${f}"> ${h(t(key))}</label>`).join(' ')}</div>
        <div class="route-row"><label>${h(t('meetNear'))}<input id="meet-near" placeholder="${h(t('meetNearPlaceholder'))}"></label>
          <button type="button" id="meet-near-use" title="${h(t('useSelection'))}">◎</button></div>
      </div>
      <div class="actions"><button type="button" id="meet-find">${h(t('meetFind'))}</button></div>
      <div id="meet-results"></div>
      <div id="meet-room"><p class="hint">${h(t('meetPickRoom'))}</p></div>
      <div id="meet-message" aria-live="polite"></div>`;
    const $ = (id) => this.element.querySelector(`#${id}`);
    for (const id of ['meet-date', 'meet-from', 'meet-to']) $(id).addEventListener('change', () => this.timesChanged());
    $('meet-now').addEventListener('click', () => {
      this.render();
      this.window = null;
      this.load();
    });
    $('meet-near-use').addEventListener('click', () => {
      const gid = this.selection();
      if (gid) $('meet-near').value = gid;
    });
    $('meet-find').addEventListener('click', () => this.find());
    $('meet-near').addEventListener('keydown', (e) => e.key === 'Enter' && this.find());
  }

  /** The form's time window ({start, end} as Dates), or null when it makes no sense. */
  formWindow() {
    const $ = (id) => this.element.querySelector(`#${id}`).value;
    const [day, from, to] = [$('meet-date'), $('meet-from'), $('meet-to')];
    if (!day || !from || !to) return null;
    const start = new Date(`${day}T${from}`);
    const end = new Date(`${day}T${to}`);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) return null;
    return { start, end };
  }

  timesChanged() {
    const span = this.formWindow();
    if (!span) return this.say({ error: t('meetBadTime') });
    this.window = span;
    this.element.querySelector('#meet-results').innerHTML = '';
    clearTimeout(this.settle);
    this.settle = setTimeout(() => this.load(), SETTLE_MS);
  }

  whenText({ start, end }) {
    return `${fmtDay(start)} ${fmtTime(start)}–${fmtTime(end)}`;
  }

  /** Free rooms for the form's time and needs, each with why it fits. */
  async find() {
    const span = this.formWindow();
    if (!span) return this.say({ error: t('meetBadTime') });
    this.window = span;
    const $ = (id) => this.element.querySelector(`#${id}`);
    const attendees = Math.max(1, Number($('meet-attendees').value) || 1);
    const near = $('meet-near').value.trim();
    const equipment = [...this.element.querySelectorAll('[data-feature]:checked')].map((c) => c.dataset.feature);
    const results = $('meet-results');
    results.innerHTML = '<p class="hint">…</p>';
    this.load();
    let free;
    try {
      free = await api.freeMeetingRooms(this.buildingId, {
        from: iso(span.start), to: iso(span.end), attendees, step_free: $('meet-step-free').checked, equipment, near: near || undefined,
      });
    } catch (error) {
      results.innerHTML = `<p class="error">${h(error.message)}</p>`;
      return;
    }
    const time = `${fmtTime(span.start)}–${fmtTime(span.end)}`;
    if (!free.length) {
      results.innerHTML = `<p class="muted" data-field="free-count">${h(t('meetNoneFree'))}</p>`;
      return;
    }
    const nearName = near && (this.rooms.get(near)?.number || near);
    results.innerHTML = `<p class="muted" data-field="free-count">${h(t('meetFreeCount', { n: fmtNumber(free.length) }))}</p>
      <ol class="meet-free">${free.map((room) => `<li data-room="${h(room.global_id)}">
        <b>${h(room.number)}</b> ${h(room.name)} <span class="muted">${h(room.storey)}</span>
        ${room.walk_m == null ? '' : `<span class="meet-walk" data-field="walk">${h(fmtNumber(room.walk_m, 1))} m</span>`}
        <button type="button" data-pick="${h(room.global_id)}">${h(t('meetPick'))}</button>
        <ul class="meet-why">${whyItems(room, { time, attendees, equipment, near: nearName }).map((w) => `<li>${h(w)}</li>`).join('')}</ul></li>`).join('')}</ol>`;
    results.querySelectorAll('[data-pick]').forEach((b) => b.addEventListener('click', () => {
      this.showRoom(b.dataset.pick);
      this.onSelect(b.dataset.pick);
    }));
  }

  /** The room's facts, its bookings of the form's day and the booking form. */
  async showRoom(gid, { quiet = false } = {}) {
    const box = this.element.querySelector('#meet-room');
    if (!gid) return;
    const listing = this.rooms.get(gid);
    if (!listing) {
      if (!quiet) box.innerHTML = `<p class="hint">${h(t('meetPickRoom'))}</p>`;
      this.room = null;
      return;
    }
    this.room = gid;
    const span = this.formWindow();
    const day = span ? span.start : new Date();
    const dayStart = new Date(day.getFullYear(), day.getMonth(), day.getDate());
    const dayEnd = new Date(dayStart.getFullYear(), dayStart.getMonth(), dayStart.getDate() + 1);
    let bookings = [];
    let problem = null;
    try {
      bookings = (await api.bookings(this.buildingId, { room: gid, from: iso(dayStart), to: iso(dayEnd), state: DAY_STATES })).bookings;
    } catch (error) {
      problem = error.message;
    }
    if (this.room !== gid) return;
    // Keep what the person typed when the panel is redrawn.
    const title = box.querySelector('#meet-title')?.value ?? '';
    const visitors = box.querySelector('#meet-visitors')?.value ?? '';
    const status = this.statusOf(gid);
    const features = listing.equipment.map((e) => e.name || e.ifc_class);
    box.innerHTML = `<h3>${h(listing.number)} ${h(listing.name)}
        <span class="meet-status" data-field="meet-status" data-status="${h(status)}" style="background:${MEETING_COLOURS[status]}">${h(t(STATUS_KEYS[status]))}</span></h3>
      <p class="muted">${[listing.storey, t('meetSeats', { n: fmtNumber(listing.capacity) }), t(listing.step_free ? 'meetStepFreeYes' : 'meetStairsOnly'), ...features].map(h).join(' · ')}</p>
      <h4>${h(t('meetDay', { day: fmtDay(dayStart) }))}</h4>
      ${problem ? `<p class="error">${h(problem)}</p>` : ''}
      ${bookings.length ? `<ul class="plain meet-day">${bookings.map((b) => bookingHtml(b)).join('')}</ul>` : `<p class="muted">${h(t('meetDayNone'))}</p>`}
      <div class="meet-book">
        <label>${h(t('meetTitle'))}<input id="meet-title" maxlength="300" value="${h(title)}"></label>
        <label>${h(t('meetVisitors'))}<textarea id="meet-visitors" rows="2">${h(visitors)}</textarea></label>
        <button type="button" id="meet-book">${h(t('meetBook', { time: span ? this.whenText(span) : '' }))}</button>
      </div>`;
    box.querySelector('#meet-book').addEventListener('click', () => this.book(gid));
    box.querySelectorAll('[data-booking]').forEach((li) => this.wireBooking(li, bookings.find((b) => b.id === li.dataset.booking)));
  }

  wireBooking(li, booking) {
    li.querySelector('[data-action="route"]')?.addEventListener('click', () => this.visitorRoute(booking));
    li.querySelector('[data-action="pdf"]')?.addEventListener('click', () => this.openFile(() => api.visitorRoutePdf(this.buildingId, booking.id)));
    li.querySelector('[data-action="ics"]')?.addEventListener('click', () => this.saveIcs(booking));
    const cancel = li.querySelector('[data-action="cancel"]');
    cancel?.addEventListener('click', () => {
      // Two clicks: the first asks, so a slip of the mouse cancels nothing.
      if (!cancel.dataset.armed) {
        cancel.dataset.armed = 'true';
        cancel.textContent = t('meetCancelConfirm');
        return;
      }
      this.cancel(booking);
    });
  }

  async book(gid) {
    const span = this.formWindow();
    if (!span) return this.say({ error: t('meetBadTime') });
    const box = this.element.querySelector('#meet-room');
    const listing = this.rooms.get(gid);
    const attendees = Math.max(1, Number(this.element.querySelector('#meet-attendees').value) || 1);
    const visitors = box.querySelector('#meet-visitors').value.split('\n').map((v) => v.trim()).filter(Boolean);
    const button = box.querySelector('#meet-book');
    button.disabled = true;
    const room = `${listing.number} ${listing.name}`.trim();
    const time = this.whenText(span);
    try {
      const booking = await api.book(this.buildingId, {
        room: gid, start: iso(span.start), end: iso(span.end), attendees, organisation: '',
        title: box.querySelector('#meet-title').value.trim(), visitors,
        step_free: this.element.querySelector('#meet-step-free').checked,
      });
      box.querySelector('#meet-title').value = '';
      box.querySelector('#meet-visitors').value = '';
      this.window = span;
      this.say({ ok: t('meetBooked', { room, time }), booking: booking.id });
      await this.load();
    } catch (error) {
      button.disabled = false;
      this.say({ error: await this.bookingError(error, { room, time, seats: listing.capacity, n: attendees }) });
    }
  }

  /** The refusal in the UI's language: the clashing booking named, seats, hours. */
  async bookingError(error, { room, time, seats, n }) {
    const type = error.problem?.type || '';
    if (error.status === 409 && error.problem?.clashing_bookings?.length) {
      const id = error.problem.clashing_bookings[0];
      try {
        const other = await api.booking(this.buildingId, id);
        return t('meetClash', {
          room, id, title: other.title || t('meetUntitled'), organiser: other.organiser || '—',
          time: `${fmtTime(other.start)}–${fmtTime(other.end)}`,
        });
      } catch {
        return t('meetClashUnknown', { room, id, time });
      }
    }
    if (error.status === 422 && type.endsWith('over-capacity')) return t('meetOverCapacity', { room, seats: fmtNumber(seats), n: fmtNumber(n) });
    if (error.status === 422 && type.endsWith('outside-opening-hours')) return t('meetOutsideHours', { detail: error.message });
    if (error.status === 422 && type.endsWith('not-bookable')) return t('meetNotARoom', { room });
    return t('meetFailed', { reason: error.message });
  }

  async cancel(booking) {
    const listing = this.rooms.get(booking.room);
    try {
      await api.cancelBooking(this.buildingId, booking.id);
      this.say({ ok: t('meetCancelled', { room: listing ? listing.number : booking.room, time: `${fmtTime(booking.start)}–${fmtTime(booking.end)}` }) });
      await this.load();
    } catch (error) {
      this.say({ error: t('meetFailed', { reason: error.message }) });
    }
  }

  async visitorRoute(booking) {
    try {
      this.onRoute(await api.visitorRoute(this.buildingId, booking.id), booking.room);
    } catch (error) {
      this.say({ error: t('routeNone', { reason: error.message }) });
    }
  }

  /** Open a fetched file (sent with the API key) in a new tab. */
  async openFile(fetchBlob) {
    const tab = window.open('', '_blank');
    try {
      const url = URL.createObjectURL(await fetchBlob());
      if (tab) tab.location.href = url;
      else window.location.assign(url);
    } catch (error) {
      tab?.close();
      this.say({ error: error.message });
    }
  }

  async saveIcs(booking) {
    try {
      const link = document.createElement('a');
      link.href = URL.createObjectURL(await api.bookingIcs(this.buildingId, booking.id));
      link.download = `${booking.id}.ics`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    } catch (error) {
      this.say({ error: error.message });
    }
  }

  /** The message line: `{ok}` or `{error}`; `keep` leaves a standing message alone. */
  say(message, { keep = false } = {}) {
    const box = this.element.querySelector('#meet-message');
    if (!message) {
      if (!keep) box.innerHTML = '';
      return;
    }
    box.innerHTML = message.error
      ? `<p class="error" data-field="meet-error">${h(message.error)}</p>`
      : `<p class="meet-ok" data-field="meet-ok" data-booking="${h(message.booking || '')}">${h(message.ok)}</p>`;
  }
}

/** Why a free room fits, in the UI's language, from the search answer's fields. */
function whyItems(room, { time, attendees, equipment, near }) {
  const why = [t('whyFree', { time }), t('whySeats', { seats: fmtNumber(room.capacity), n: fmtNumber(attendees) })];
  for (const feature of equipment) why.push(t('whyFeature', { feature: t(FEATURES[feature]) }));
  if (room.step_free) why.push(t('whyStepFree'));
  if (room.walk_m != null) why.push(t('whyWalk', { m: fmtNumber(room.walk_m, 1), near }));
  if (room.needs_approval) why.push(t('whyApproval'));
  return why;
}

function bookingHtml(b) {
  const holds = HOLDING.includes(b.state);
  const visitors = b.visitor_count ? ` · ${h(t('meetVisitorsN', { n: fmtNumber(b.visitor_count) }))}` : '';
  return `<li data-booking="${h(b.id)}" class="meet-booking state-${h(b.state)}">
    <b>${h(fmtTime(b.start))}–${h(fmtTime(b.end))}</b> ${h(b.title || t('meetUntitled'))}
    <span class="muted">${h(b.organiser)} · ${h(t('meetAttendees'))} ${h(fmtNumber(b.attendees))}${visitors} · <span data-field="state">${h(t(STATE_KEYS[b.state] || b.state))}</span></span>
    <div class="actions">
      <button type="button" data-action="route">${h(t('meetVisitorRoute'))}</button>
      <button type="button" data-action="pdf">${h(t('meetVisitorPdf'))}</button>
      <button type="button" data-action="ics">${h(t('meetIcs'))}</button>
      ${holds ? `<button type="button" data-action="cancel">${h(t('meetCancel'))}</button>` : ''}
    </div></li>`;
}

function iso(date) {
  return date.toISOString();
}

function pad(n) {
  return String(n).padStart(2, '0');
}

/** The value of a date input for a moment, in local time. */
function localDate(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The value of a time input for a moment, in local time. */
function localTime(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
