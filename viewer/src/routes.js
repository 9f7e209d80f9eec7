// Routes: a start (room or entrance) and a target (room, device or open alarm)
// drawn as a 3D line through doors and stairs; maintenance rounds over alarms.

import * as THREE from 'three';
import { Line2 } from 'three/addons/lines/Line2.js';
import { LineGeometry } from 'three/addons/lines/LineGeometry.js';
import { LineMaterial } from 'three/addons/lines/LineMaterial.js';
import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { problemText } from './messages.js';
import { modelToScene } from './scene.js';
import { fmtNumber, t } from './strings.js';

/** Lift the line above the floor so it is not hidden in the slab (m). */
const LINE_LIFT_M = 0.3;
/** Room types a route keeps out of with *Avoid restricted rooms*: plant and IT rooms
 * (设备用房, 弱电机房), closed to visitors and routine walks. */
const RESTRICTED_TYPES = ['plant', 'it'];
/** The API's limit on the places of one round. */
const MAX_ROUND_STOPS = 100;
const LEG_COLOURS = [0xd6336c, 0x7048e8, 0x1098ad, 0xf08c00, 0x37b24d];

export class RoutePanel {
  constructor(element, viewer, { buildingId, selection, onRoute, onWalk, openAlarms }) {
    this.element = element;
    this.viewer = viewer;
    this.buildingId = buildingId;
    this.selection = selection; // () => selected gid or null
    this.onRoute = onRoute || (() => {});
    this.onWalk = onWalk || null; // polyline -> void
    this.openAlarms = openAlarms || (() => []); // () => the open alarms, most urgent first
    this.polylines = [];
    this.lines = new THREE.Group();
    this.lines.name = 'route';
    viewer.overlay.add(this.lines);
    this.length = null;
    this.render();
  }

  render() {
    this.element.innerHTML = `
      <h2>${h(t('route'))}</h2>
      <div class="route-row"><label>${h(t('routeFrom'))}<input id="route-from" placeholder="${h(t('routeFromPlaceholder'))}" list="route-ends"></label>
        <button type="button" data-use="route-from" title="${h(t('useSelection'))}">◎</button></div>
      <div class="route-row"><label>${h(t('routeTo'))}<input id="route-to" placeholder="${h(t('routeToPlaceholder'))}"></label>
        <button type="button" data-use="route-to" title="${h(t('useSelection'))}">◎</button></div>
      <datalist id="route-ends"><option value="outside">${h(t('entrance'))}</option></datalist>
      <label class="check"><input type="checkbox" id="route-no-stairs"> ${h(t('noStairs'))}</label>
      <label class="check"><input type="checkbox" id="route-avoid-restricted"> ${h(t('avoidRestricted'))}</label>
      <div class="actions">
        <button type="button" id="route-go">${h(t('findRoute'))}</button>
        <button type="button" id="route-clear">${h(t('clearRoute'))}</button>
      </div>
      <button type="button" id="route-round">${h(t('roundOpenAlarms'))}</button>
      <div id="route-result" aria-live="polite"></div>`;
    const $ = (id) => this.element.querySelector(`#${id}`);
    this.fromInput = $('route-from');
    this.toInput = $('route-to');
    this.result = $('route-result');
    this.element.querySelectorAll('[data-use]').forEach((b) => b.addEventListener('click', () => {
      const gid = this.selection();
      if (gid) $(b.dataset.use).value = gid;
    }));
    $('route-go').addEventListener('click', () => this.find());
    $('route-clear').addEventListener('click', () => this.clear());
    $('route-round').addEventListener('click', () => this.round());
    for (const input of [this.fromInput, this.toInput]) {
      input.addEventListener('keydown', (e) => e.key === 'Enter' && this.find());
    }
  }

  setFrom(ref) {
    this.fromInput.value = ref;
  }

  setTo(ref) {
    this.toInput.value = ref;
  }

  /** The route's constraints as the API's query parameters. */
  options() {
    const restricted = /** @type {HTMLInputElement} */ (this.element.querySelector('#route-avoid-restricted')).checked;
    return {
      no_stairs: /** @type {HTMLInputElement} */ (this.element.querySelector('#route-no-stairs')).checked,
      avoid: restricted ? RESTRICTED_TYPES : undefined,
    };
  }

  /** Ask the API for a route between the two fields and draw it. */
  async find() {
    const from = this.fromInput.value.trim();
    const to = this.toInput.value.trim();
    if (!from || !to) return this.say(t('routeNeedsEnds'), true);
    this.say('…');
    try {
      const { no_stairs, avoid } = this.options();
      this.show(await api.route(this.buildingId, { from, to, no_stairs, avoid }));
    } catch (error) {
      this.clearLines();
      this.say(t('routeNone', { reason: problemText(error) }), true);
    }
  }

  /** Draw a route answer (the API's route shape) with its length, summary and steps;
   * `from`/`to` fill the fields when the route came from elsewhere (a visitor's). */
  /** @param {any} route @param {{ from?: string, to?: string }} [ends] */
  show(route, { from, to } = {}) {
    if (from !== undefined) this.setFrom(from);
    if (to !== undefined) this.setTo(to);
    this.draw([route]);
    this.length = route.length_m;
    this.say(`<span class="route-length" data-field="route-length">${h(t('routeLength', { m: fmtNumber(route.length_m, 1) }))}</span> · ${h(t('routeSummary', { m: fmtNumber(route.length_m, 1), min: fmtNumber(route.time_s / 60, 1), steps: fmtNumber(route.steps.length) }))}`
      + (this.onWalk ? `<div class="actions"><button type="button" id="route-walk">${h(t('walk'))}</button></div>` : '')
      + stepsHtml(route.steps));
    this.result.querySelector('#route-walk')?.addEventListener('click', () => this.onWalk(route.polyline));
    this.onRoute(route);
  }

  /** A maintenance round from the start field over every open alarm's equipment. */
  async round() {
    const from = this.fromInput.value.trim() || 'outside';
    const to = this.openAlarms().slice(0, MAX_ROUND_STOPS).map((a) => `alarm:${a.id}`);
    if (!to.length) return this.say(t('roundNoAlarms'), true);
    this.say('…');
    try {
      const { no_stairs, avoid } = this.options();
      const answer = await api.round(this.buildingId, { from, to, no_stairs, avoid });
      this.draw(answer.legs);
      this.length = answer.length_m;
      this.say(`<span class="route-length" data-field="route-length">${h(t('routeLength', { m: fmtNumber(answer.length_m, 1) }))}</span> · ${h(t('roundSummary', {
        legs: fmtNumber(answer.legs.length), m: fmtNumber(answer.length_m, 1), min: fmtNumber(answer.time_s / 60, 1), naive: fmtNumber(Number(answer.naive_length_m), 1),
      }))}<ol class="legs">${answer.legs.map((leg, i) => `<li style="color:#${LEG_COLOURS[i % LEG_COLOURS.length].toString(16).padStart(6, '0')}">${h(leg.to.name)} · ${h(fmtNumber(leg.length_m, 1))} m</li>`).join('')}</ol>`);
      this.onRoute(answer);
    } catch (error) {
      this.clearLines();
      this.say(t('routeNone', { reason: problemText(error) }), true);
    }
  }

  /** Draw route polylines (model coordinates, Z up) as thick lines over the model. */
  draw(routes) {
    this.clearLines();
    const box = new THREE.Box3();
    this.polylines = routes.map((route) => route.polyline);
    routes.forEach((route, index) => {
      const points = route.polyline.map((p) => modelToScene(p).add(new THREE.Vector3(0, LINE_LIFT_M, 0)));
      if (points.length < 2) return;
      points.forEach((p) => box.expandByPoint(p));
      const geometry = new LineGeometry();
      geometry.setPositions(points.flatMap((p) => [p.x, p.y, p.z]));
      const material = new LineMaterial({
        color: routes.length > 1 ? LEG_COLOURS[index % LEG_COLOURS.length] : 0xd6336c,
        linewidth: 5, depthTest: false, transparent: true,
      });
      material.resolution.set(this.viewer.size.x, this.viewer.size.y);
      const line = new Line2(geometry, material);
      line.computeLineDistances();
      line.renderOrder = 10;
      this.lines.add(line);
    });
    this.box = box;
    this.viewer.requestRender();
  }

  clearLines() {
    for (const line of this.lines.children) {
      line.geometry.dispose();
      line.material.dispose();
    }
    this.lines.clear();
    this.length = null;
    this.polylines = [];
    this.viewer.requestRender();
  }

  clear() {
    this.clearLines();
    this.result.innerHTML = '';
    this.onRoute(null);
  }

  say(html, error = false) {
    this.result.innerHTML = error ? `<p class="error">${h(html)}</p>` : html;
  }
}

function stepsHtml(steps) {
  return `<ol class="steps">${steps.map((s) => `<li>${h(s.name || s.kind)} <span class="muted">${h(s.kind)} · ${h(s.storey || '')}</span></li>`).join('')}</ol>`;
}
