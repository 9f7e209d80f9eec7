// The storey's floor plan beside the 3D view, linked both ways: the service's
// SVG (room paths carry their GlobalId as id) embedded inline, cropped to the
// plan; clicking a room selects it in 3D, a selection in 3D is outlined here;
// the route, open alarms and "you are here" (the walker's place, else the
// route's start) are drawn on it with the plan's world → paper transform (the
// plan group's data attributes).

import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { t } from './strings.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Margin around the plan when cropping the sheet, mm of paper. */
const CROP_MARGIN_MM = 4;
/** Route points on a storey lie between its floor and this far below the next one, m. */
const STOREY_BAND_M = 0.5;

export class PlanView {
  constructor(element, { buildingId, onSelect }) {
    this.element = element;
    this.buildingId = buildingId;
    this.onSelect = onSelect;
    this.storey = null;
    this.selected = null;
    this.routes = [];
    this.alarms = []; // [{global_id, point: [x, y, z] model m, severity}]
    this.here = null; // "you are here": [x, y, z] model m, or null
    this.token = 0;
    this.open = false;
  }

  get visible() {
    return this.open;
  }

  close() {
    this.open = false;
    this.element.hidden = true;
    this.element.parentElement.classList.remove('with-plan');
  }

  /** Show the plan of `storey` ({global_id, elevation_m, next_elevation_m}) coloured like `colour`. */
  async show(storey, colour) {
    this.open = true;
    this.element.hidden = false;
    this.element.parentElement.classList.add('with-plan');
    if (!storey) {
      this.storey = null;
      this.element.innerHTML = `${this.header()}<p class="hint">${h(t('plan2dPick'))}</p>`;
      this.wireHeader();
      return;
    }
    const token = ++this.token;
    this.storey = storey;
    this.element.innerHTML = `${this.header()}<p class="hint">…</p>`;
    this.wireHeader();
    let text;
    try {
      text = await (await api.plan(this.buildingId, storey.global_id, 'svg', colour)).text();
    } catch (error) {
      if (token !== this.token) return;
      this.element.innerHTML = `${this.header()}<p class="error">${h(t('floorPlanFailed', { reason: error.message }))}</p>`;
      this.wireHeader();
      return;
    }
    if (token !== this.token) return;
    const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    svg.classList.add('plan-svg');
    const holder = document.createElement('div');
    holder.className = 'plan-holder';
    holder.append(document.importNode(svg, true));
    this.element.replaceChildren();
    this.element.insertAdjacentHTML('afterbegin', this.header());
    this.element.append(holder);
    this.wireHeader();
    this.svg = holder.querySelector('svg');
    // The sheet's own ids (panel, legend, …) must not clash with the page's.
    this.svg.querySelectorAll('[id]').forEach((node) => {
      if (!node.classList.contains('room')) node.id = `plan2d-${node.id}`;
    });
    const plan = /** @type {SVGGraphicsElement} */ (this.svg.querySelector('#plan2d-plan'));
    const box = plan.getBBox();
    this.svg.setAttribute('viewBox', `${box.x - CROP_MARGIN_MM} ${box.y - CROP_MARGIN_MM} ${box.width + 2 * CROP_MARGIN_MM} ${box.height + 2 * CROP_MARGIN_MM}`);
    const [wx, wy] = plan.dataset.worldOrigin.split(' ').map(Number);
    const [px, py] = plan.dataset.paperOrigin.split(' ').map(Number);
    const k = Number(plan.dataset.mmPerM);
    this.toPaper = ([x, y]) => [px + (x - wx) * k, py - (y - wy) * k];
    this.overlay = document.createElementNS(SVG_NS, 'g');
    this.overlay.id = 'plan-overlay';
    plan.append(this.overlay);
    this.svg.querySelectorAll('path.room').forEach((path) => path.addEventListener('click', () => this.onSelect(path.id)));
    this.highlight(this.selected);
    this.drawOverlay();
  }

  header() {
    return `<div class="plan-head"><b>${h(t('plan2d'))}</b> <span class="muted">${h(this.storey?.name || '')}</span>
      <button type="button" class="plan-close" title="${h(t('close'))}">×</button></div>`;
  }

  wireHeader() {
    this.element.querySelector('.plan-close')?.addEventListener('click', () => this.close());
  }

  /** Outline the selected room (a GlobalId, or null). */
  highlight(gid) {
    this.selected = gid;
    if (!this.svg) return;
    this.svg.querySelectorAll('path.room.selected').forEach((p) => p.classList.remove('selected'));
    if (gid) this.svg.querySelector(`path.room[id="${CSS.escape(gid)}"]`)?.classList.add('selected');
  }

  /** Route polylines (model coordinates) to draw on the plan. */
  setRoutes(routes) {
    this.routes = routes;
    this.drawOverlay();
  }

  setAlarms(alarms) {
    this.alarms = alarms;
    this.drawOverlay();
  }

  /** The user's place ([x, y, z] model m, or null): drawn as "you are here". */
  setHere(point) {
    this.here = point;
    this.drawHere();
  }

  drawHere() {
    if (!this.overlay) return;
    this.overlay.querySelector('.plan-here')?.remove();
    const p = this.here;
    if (!p || !this.storey || !this.onStorey(p)) return;
    const [x, y] = this.toPaper(p);
    const mark = document.createElementNS(SVG_NS, 'g');
    mark.setAttribute('class', 'plan-here');
    mark.dataset.x = String(x);
    mark.dataset.y = String(y);
    mark.innerHTML = `<circle cx="${x}" cy="${y}" r="2.6"></circle><text x="${x + 3.4}" y="${y - 2.4}">${h(t('youAreHere'))}</text>`;
    this.overlay.append(mark);
  }

  /** Whether a point (model m) lies on the shown storey: from its floor to just below the next. */
  onStorey(p) {
    const low = this.storey.elevation_m - STOREY_BAND_M;
    const high = this.storey.next_elevation_m == null ? Infinity : this.storey.next_elevation_m - STOREY_BAND_M;
    return p[2] >= low && p[2] < high;
  }

  drawOverlay() {
    if (!this.overlay || !this.storey) return;
    this.overlay.replaceChildren();
    const on = (p) => this.onStorey(p);
    for (const route of this.routes) {
      // Split the line where it leaves the storey (stairs up or down).
      let run = [];
      const flush = () => {
        if (run.length > 1) {
          const line = document.createElementNS(SVG_NS, 'polyline');
          line.setAttribute('class', 'plan-route');
          line.setAttribute('points', run.map((p) => this.toPaper(p).join(',')).join(' '));
          this.overlay.append(line);
        }
        run = [];
      };
      for (const p of route) {
        if (on(p)) run.push(p);
        else flush();
      }
      flush();
    }
    for (const alarm of this.alarms) {
      if (!on(alarm.point)) continue;
      const [x, y] = this.toPaper(alarm.point);
      const dot = document.createElementNS(SVG_NS, 'circle');
      dot.setAttribute('class', `plan-alarm sev-${alarm.severity}`);
      dot.setAttribute('cx', String(x));
      dot.setAttribute('cy', String(y));
      dot.setAttribute('r', '2.2');
      dot.dataset.gid = alarm.global_id;
      dot.addEventListener('click', () => this.onSelect(alarm.global_id));
      this.overlay.append(dot);
    }
    this.drawHere();
  }
}
