// The viewer's tools: X-ray, a section plane you can drag, measuring
// (distance between two picked points, area of a picked room), standard views
// with a navigation cube, fly-to, and a first-person walk along a route.

import * as THREE from 'three';
import { TransformControls } from 'three/addons/controls/TransformControls.js';
import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { modelToScene, sceneToModel } from './scene.js';
import { fmtNumber, t } from './strings.js';

/** Eye height above the route line in a walk, m. */
const EYE_HEIGHT_M = 1.6;
/** Walking speed along a route (a brisk walk, played 4× fast), m/s. */
const WALK_SPEED_M_S = 1.4 * 4;
/** How far ahead of the walker the camera looks, m. */
const LOOK_AHEAD_M = 3;
const MEASURE_COLOUR = 0xff6a00;
/** Section plane axes: the model axis it cuts across and its normal in the scene (keeps the negative side). */
const AXES = {
  x: { normal: new THREE.Vector3(-1, 0, 0), component: 'x', sign: 1 },
  y: { normal: new THREE.Vector3(0, 0, 1), component: 'z', sign: -1 },
  z: { normal: new THREE.Vector3(0, -1, 0), component: 'y', sign: 1 },
};

export class Tools {
  constructor({ bar, cube, viewer, picker, buildingId, onXray, selection, onRender }) {
    this.bar = bar;
    this.onRender = onRender; // (bar) => void: other tools add their buttons
    this.cube = cube;
    this.viewer = viewer;
    this.picker = picker;
    this.buildingId = buildingId;
    this.onXray = onXray;
    this.selection = selection; // () => gid | null
    this.measureMode = null; // 'distance' | 'area' | null
    this.measurePoints = [];
    this.distance = null;
    this.area = null;
    this.section = null; // {axis, plane, flipped}
    this.walking = null;
    this.overlay = new THREE.Group();
    this.overlay.name = 'tools';
    viewer.scene.add(this.overlay);
    this.render();
    this.buildCube();
    viewer.controls.addEventListener('change', () => this.updateCube());
    this.updateCube();
  }

  render() {
    const s = this.section;
    this.bar.innerHTML = `
      <button type="button" id="tool-xray" class="${this.viewer.xray ? 'on' : ''}" title="${h(t('xrayTitle'))}">${h(t('xray'))}</button>
      <button type="button" id="tool-section" class="${s ? 'on' : ''}" title="${h(t('sectionTitle'))}">${h(t('section'))}</button>
      <button type="button" id="tool-measure" class="${this.measureMode === 'distance' ? 'on' : ''}" title="${h(t('measureTitle'))}">${h(t('measureDistance'))}</button>
      <button type="button" id="tool-area" class="${this.measureMode === 'area' ? 'on' : ''}">${h(t('measureArea'))}</button>
      <button type="button" id="tool-fly" title="${h(t('flyToTitle'))}">${h(t('flyTo'))}</button>
      ${s ? `<div class="tool-panel" id="section-panel">
        <label>${h(t('sectionAxis'))} <select id="section-axis">${['z', 'x', 'y'].map((a) => `<option value="${a}" ${a === s.axis ? 'selected' : ''}>${h(t(`sectionAxis${a.toUpperCase()}`))}</option>`).join('')}</select></label>
        <input type="range" id="section-position" min="${s.min}" max="${s.max}" step="0.01" value="${s.value}">
        <span data-field="section-position">${h(fmtNumber(s.value, 2))} m</span>
        <button type="button" id="section-flip">${h(t('sectionFlip'))}</button>
        <button type="button" id="section-off">${h(t('sectionOff'))}</button></div>` : ''}
      ${this.measureMode ? `<div class="tool-panel" id="measure-panel"><span class="muted">${h(t(this.measureMode === 'area' ? 'measureAreaHint' : 'measureHint'))}</span>
        <b id="measure-result">${this.resultHtml()}</b> <button type="button" id="measure-clear">${h(t('measureClear'))}</button></div>` : ''}`;
    const $ = (id) => this.bar.querySelector(`#${id}`);
    $('tool-xray').addEventListener('click', () => this.setXray(!this.viewer.xray));
    $('tool-section').addEventListener('click', () => (this.section ? this.removeSection() : this.addSection('z')));
    $('tool-measure').addEventListener('click', () => this.setMeasure(this.measureMode === 'distance' ? null : 'distance'));
    $('tool-area').addEventListener('click', () => this.setMeasure(this.measureMode === 'area' ? null : 'area'));
    $('tool-fly').addEventListener('click', () => this.flyToSelection());
    if (s) {
      $('section-axis').addEventListener('change', (e) => this.addSection(e.target.value));
      $('section-position').addEventListener('input', (e) => this.moveSection(Number(e.target.value)));
      $('section-flip').addEventListener('click', () => this.flipSection());
      $('section-off').addEventListener('click', () => this.removeSection());
    }
    $('measure-clear')?.addEventListener('click', () => this.clearMeasure());
    this.onRender?.(this.bar);
  }

  resultHtml() {
    if (this.measureMode === 'distance' && this.distance !== null) {
      return `<span data-field="distance">${h(t('measureResult', { m: fmtNumber(this.distance, 3) }))}</span>`;
    }
    if (this.measureMode === 'area' && this.area) {
      return `<span data-field="room-area">${h(t('measureAreaResult', { room: this.area.room, a: fmtNumber(this.area.m2, 2) }))}</span>`;
    }
    return '';
  }

  // --- X-ray --------------------------------------------------------------
  setXray(on) {
    const gid = this.selection();
    this.viewer.setXray(on, gid ? [gid] : []);
    this.onXray?.(on);
    this.render();
  }

  // --- section plane --------------------------------------------------------
  /** A section plane across `axis` (model x, y or z) through the middle of the visible model. */
  addSection(axis) {
    const box = this.viewer.boxOf([...this.viewer.storeys.values()].filter((g) => g.visible));
    if (box.isEmpty()) return;
    const { normal, component, sign } = AXES[axis];
    const lo = box.min[component];
    const hi = box.max[component];
    // The slider runs in model metres along the axis (scene -z is model +y).
    const [min, max] = sign > 0 ? [lo, hi] : [-hi, -lo];
    const value = (min + max) / 2;
    this.removeSection(false);
    const plane = new THREE.Plane(normal.clone(), 0);
    this.section = { axis, plane, flipped: false, min: round(min), max: round(max), value: round(value), box };
    this.makeHandle();
    this.moveSection(value, false);
    this.render();
  }

  /** The handle: a translucent square on the plane, dragged along its axis with TransformControls. */
  makeHandle() {
    const s = this.section;
    const size = s.box.getSize(new THREE.Vector3()).length() * 0.6;
    const geometry = new THREE.PlaneGeometry(size, size);
    const material = new THREE.MeshBasicMaterial({ color: 0x1f6fb2, transparent: true, opacity: 0.12, side: THREE.DoubleSide, depthWrite: false });
    const handle = new THREE.Mesh(geometry, material);
    handle.name = 'section-handle';
    const centre = s.box.getCenter(new THREE.Vector3());
    handle.position.copy(centre);
    if (s.axis === 'x') handle.rotation.y = Math.PI / 2;
    if (s.axis === 'z') handle.rotation.x = Math.PI / 2;
    this.overlay.add(handle);
    const gizmo = new TransformControls(this.viewer.camera, this.viewer.renderer.domElement);
    gizmo.setMode('translate');
    gizmo.showX = s.axis === 'x';
    gizmo.showY = s.axis === 'z';
    gizmo.showZ = s.axis === 'y';
    gizmo.attach(handle);
    gizmo.addEventListener('dragging-changed', (e) => (this.viewer.controls.enabled = !e.value));
    gizmo.addEventListener('objectChange', () => {
      const { component, sign } = AXES[s.axis];
      this.moveSection(sign * handle.position[component], true, false);
    });
    gizmo.addEventListener('change', () => this.viewer.requestRender());
    this.viewer.scene.add(gizmo.getHelper());
    s.handle = handle;
    s.gizmo = gizmo;
  }

  /** Put the section plane at `value` (model metres along its axis). */
  moveSection(value, render = true, moveHandle = true) {
    const s = this.section;
    if (!s) return;
    s.value = round(value);
    const { normal, component, sign } = AXES[s.axis];
    const at = sign * s.value; // scene coordinate of the plane
    const n = normal.clone().multiplyScalar(s.flipped ? -1 : 1);
    s.plane.normal.copy(n);
    // The plane keeps points p with n·p + constant >= 0.
    s.plane.constant = -n[component] * at;
    if (moveHandle && s.handle) s.handle.position[component] = at;
    this.viewer.setSectionPlanes([s.plane]);
    if (render) {
      const slider = this.bar.querySelector('#section-position');
      if (slider && Number(slider.value) !== s.value) slider.value = s.value;
      const label = this.bar.querySelector('[data-field="section-position"]');
      if (label) label.textContent = `${fmtNumber(s.value, 2)} m`;
    }
  }

  flipSection() {
    if (!this.section) return;
    this.section.flipped = !this.section.flipped;
    this.moveSection(this.section.value);
  }

  removeSection(render = true) {
    const s = this.section;
    if (s) {
      s.gizmo.detach();
      this.viewer.scene.remove(s.gizmo.getHelper());
      s.gizmo.dispose();
      this.overlay.remove(s.handle);
      s.handle.geometry.dispose();
    }
    this.section = null;
    this.viewer.setSectionPlanes([]);
    if (render) this.render();
  }

  /** Section planes in model coordinates (a viewpoint's clipping planes, BCF style). */
  clippingPlanes() {
    const s = this.section;
    if (!s) return [];
    const point = s.plane.coplanarPoint(new THREE.Vector3());
    return [{ location: sceneToModel(point), direction: sceneToModel(s.plane.normal.clone().negate()), axis: s.axis, flipped: s.flipped }];
  }

  /** Restore section planes saved by `clippingPlanes()`. */
  setClippingPlanes(planes) {
    const saved = planes?.[0];
    if (!saved?.axis || !AXES[saved.axis]) return this.removeSection();
    this.addSection(saved.axis);
    const point = modelToScene(saved.location);
    const { component, sign } = AXES[saved.axis];
    this.section.flipped = Boolean(saved.flipped);
    this.moveSection(sign * point[component]);
    this.render();
  }

  // --- measuring ------------------------------------------------------------
  setMeasure(mode) {
    this.clearMeasure(false);
    this.measureMode = mode;
    this.picker.override = mode ? (x, y) => this.measureClick(x, y) : null;
    this.viewer.renderer.domElement.classList.toggle('measuring', Boolean(mode));
    this.render();
  }

  async measureClick(x, y) {
    if (this.measureMode === 'area') return this.measureRoom(x, y);
    const hit = this.picker.point(x, y);
    if (!hit) return;
    if (this.measurePoints.length >= 2) this.clearMeasure(false);
    this.measurePoints.push(hit.point);
    this.marker(hit.point);
    if (this.measurePoints.length === 2) {
      const [a, b] = this.measurePoints;
      this.distance = a.distanceTo(b);
      this.line([a, b]);
    }
    this.render();
    this.viewer.requestRender();
  }

  async measureRoom(x, y) {
    // The room under the pointer, even where equipment stands in it.
    const record = this.picker.hits(x, y).map((hit) => hit.record).find((r) => r.kind === 'room');
    if (!record) return;
    this.clearMeasure(false);
    const room = await api.space(this.buildingId, record.global_id);
    this.area = { gid: room.global_id, room: [room.name, room.long_name].filter(Boolean).join(' '), m2: room.area_m2 };
    const z = (room.floor_z_m ?? 0) + 0.05;
    for (const ring of room.footprint || []) this.line(ring.map(([px, py]) => modelToScene([px, py, z])), true);
    this.render();
    this.viewer.requestRender();
  }

  marker(point) {
    const size = Math.max(this.viewer.camera.position.distanceTo(point) / 150, 0.03);
    const mesh = new THREE.Mesh(new THREE.SphereGeometry(size, 12, 8), new THREE.MeshBasicMaterial({ color: MEASURE_COLOUR, depthTest: false }));
    mesh.position.copy(point);
    mesh.renderOrder = 20;
    this.overlay.add(mesh);
  }

  line(points, loop = false) {
    const geometry = new THREE.BufferGeometry().setFromPoints(points);
    const material = new THREE.LineBasicMaterial({ color: MEASURE_COLOUR, depthTest: false });
    const line = loop ? new THREE.LineLoop(geometry, material) : new THREE.Line(geometry, material);
    line.renderOrder = 20;
    this.overlay.add(line);
  }

  clearMeasure(render = true) {
    for (const child of [...this.overlay.children]) {
      if (child.name === 'section-handle') continue;
      this.overlay.remove(child);
      child.geometry?.dispose();
    }
    this.measurePoints = [];
    this.distance = null;
    this.area = null;
    if (render) this.render();
    this.viewer.requestRender();
  }

  // --- views, navigation cube, fly-to --------------------------------------
  buildCube() {
    const faces = [
      ['top', 'rotateX(90deg)'], ['bottom', 'rotateX(-90deg)'], ['front', ''], ['back', 'rotateY(180deg)'],
      ['right', 'rotateY(90deg)'], ['left', 'rotateY(-90deg)'],
    ];
    this.cube.innerHTML = `<div class="cube">${faces.map(([name, turn]) => `<button type="button" class="face face-${name}" data-view="${name}" style="transform:${turn} translateZ(30px)">${h(t(`view${name[0].toUpperCase()}${name.slice(1)}`))}</button>`).join('')}</div>
      <div class="views">${['top', 'front', 'iso'].map((name) => `<button type="button" data-view="${name}">${h(t(`view${name[0].toUpperCase()}${name.slice(1)}`))}</button>`).join('')}</div>`;
    this.cube.querySelectorAll('[data-view]').forEach((b) => b.addEventListener('click', () => this.viewer.setView(b.dataset.view)));
  }

  /** Turn the cube with the camera (the CSS matrix of the camera's rotation, Y flipped). */
  updateCube() {
    const cube = this.cube.querySelector('.cube');
    if (!cube) return;
    this.viewer.camera.updateMatrixWorld();
    const e = this.viewer.camera.matrixWorldInverse.elements;
    const m = [e[0], -e[1], e[2], 0, e[4], -e[5], e[6], 0, e[8], -e[9], e[10], 0, 0, 0, 0, 1];
    cube.style.transform = `translateZ(-200px) matrix3d(${m.map((v) => (Math.abs(v) < 1e-10 ? 0 : v)).join(',')})`;
  }

  flyToSelection() {
    const record = this.viewer.element(this.selection());
    if (!record) return this.viewer.fit(undefined, { animate: true });
    const box = this.viewer.recordBox(record).clone();
    const centre = box.getCenter(new THREE.Vector3());
    box.expandByVector(new THREE.Vector3(4, 0, 4));
    box.expandByPoint(centre);
    this.viewer.fit(box, { animate: true });
  }

  // --- first-person walk ----------------------------------------------------
  /** Walk the camera along a route polyline (model coordinates) at eye height;
   * `onStep(point)` gets the walker's place on the route (model coordinates) each frame. */
  walk(polyline, onEnd, onStep) {
    this.stopWalk();
    const points = polyline.map((p) => modelToScene(p).add(new THREE.Vector3(0, EYE_HEIGHT_M, 0)));
    if (points.length < 2) return;
    const lengths = [0];
    for (let i = 1; i < points.length; i++) lengths.push(lengths[i - 1] + points[i].distanceTo(points[i - 1]));
    const total = lengths[lengths.length - 1];
    const at = (s) => {
      const d = Math.min(Math.max(s, 0), total);
      let i = 1;
      while (i < lengths.length - 1 && lengths[i] < d) i++;
      const k = (d - lengths[i - 1]) / Math.max(lengths[i] - lengths[i - 1], 1e-9);
      return points[i - 1].clone().lerp(points[i], k);
    };
    const start = performance.now();
    const walk = { stopped: false, onEnd };
    this.walking = walk;
    const step = (now) => {
      if (walk.stopped) return;
      const s = ((now - start) / 1000) * WALK_SPEED_M_S;
      const eye = at(s);
      const ahead = at(s + LOOK_AHEAD_M);
      if (ahead.distanceTo(eye) < 0.01) ahead.add(new THREE.Vector3(0, 0, -0.01));
      this.viewer.camera.near = 0.05;
      this.viewer._moveTo(eye, ahead, false);
      onStep?.(sceneToModel(eye.clone().sub(new THREE.Vector3(0, EYE_HEIGHT_M, 0))));
      if (s >= total) return this.stopWalk();
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }

  stopWalk() {
    const walk = this.walking;
    if (!walk) return;
    walk.stopped = true;
    this.walking = null;
    walk.onEnd?.();
  }
}

function round(value) {
  return Math.round(value * 100) / 100;
}
