// The cut box: six clipping planes around a box of the model, beside the single
// section plane of tools.js. Each face is moved with numeric inputs (model
// metres) or dragged in 3D (click a face's handle, then drag its arrow); Reset
// puts the box back around the visible model. What lies outside the box is not
// drawn and cannot be picked (the viewer's clipping planes).

import * as THREE from 'three';
import { TransformControls } from 'three/addons/controls/TransformControls.js';
import { escapeHtml as h } from './colours.js';
import { modelToScene, sceneToModel } from './scene.js';
import { t } from './strings.js';

const BOX_COLOUR = 0x1f6fb2;
/** The box opens this far outside the visible model, so nothing is cut until a face moves, m. */
const OPEN_MARGIN_M = 0.05;
/** Handle size as a share of the box's diagonal. */
const HANDLE_SHARE = 0.025;
/**
 * The faces, in model axes (x east, y north, z up). `component` is the model
 * axis, `side` -1 for the low face and +1 for the high one.
 */
const FACES = [
  { id: 'x-min', component: 0, side: -1, label: 'cutBoxWest' },
  { id: 'x-max', component: 0, side: 1, label: 'cutBoxEast' },
  { id: 'y-min', component: 1, side: -1, label: 'cutBoxSouth' },
  { id: 'y-max', component: 1, side: 1, label: 'cutBoxNorth' },
  { id: 'z-min', component: 2, side: -1, label: 'cutBoxBottom' },
  { id: 'z-max', component: 2, side: 1, label: 'cutBoxTop' },
];

export class CutBox {
  constructor({ viewer }) {
    this.viewer = viewer;
    this.bounds = null; // {min: [x, y, z], max: [x, y, z]} model metres, null: off
    this.limits = null; // the visible model's box when the cut box opened
    this.active = 'z-max'; // the face the drag handle is on
    this.group = new THREE.Group();
    this.group.name = 'cut-box';
    viewer.scene.add(this.group);
    this.raycaster = new THREE.Raycaster();
    this.grabbed = false;
    /** @type {(() => void) | null} called when the box changes (the tool bar redraws) */
    this.onChange = null;
    const canvas = viewer.renderer.domElement;
    // A click on a face's handle moves the drag arrow there (and selects nothing).
    canvas.addEventListener('pointerdown', (e) => (this.grabbed = this.grabHandle(e)), true);
    canvas.addEventListener('pointerup', (e) => {
      if (this.grabbed) e.stopImmediatePropagation();
      this.grabbed = false;
    }, true);
  }

  get on() {
    return this.bounds !== null;
  }

  /** The tool bar's button and, while the box is on, its panel (called by Tools.render). */
  renderInto(bar) {
    const button = document.createElement('button');
    button.type = 'button';
    button.id = 'tool-cutbox';
    button.className = this.on ? 'on' : '';
    button.title = t('cutBoxTitle');
    button.textContent = t('cutBox');
    button.addEventListener('click', () => (this.on ? this.remove() : this.open()));
    const section = bar.querySelector('#tool-section');
    if (section) section.after(button);
    else bar.append(button);
    if (!this.on) return;
    const panel = document.createElement('div');
    panel.className = 'tool-panel';
    panel.id = 'cutbox-panel';
    panel.innerHTML = `${FACES.map((f) => `<label>${h(t(f.label))} <input type="number" step="0.1" data-face="${f.id}"
        value="${this.faceValue(f).toFixed(2)}" class="${f.id === this.active ? 'active' : ''}"></label>`).join('')}
      <span class="muted">m</span>
      <button type="button" id="cutbox-reset">${h(t('cutBoxReset'))}</button>
      <button type="button" id="cutbox-off">${h(t('sectionOff'))}</button>`;
    /** @type {NodeListOf<HTMLInputElement>} */ (panel.querySelectorAll('input[data-face]')).forEach((input) => {
      const face = FACES.find((f) => f.id === input.dataset.face);
      input.addEventListener('focus', () => this.setActive(face.id));
      input.addEventListener('change', () => {
        const value = Number(input.value);
        if (Number.isFinite(value)) this.moveFace(face, value);
        else input.value = this.faceValue(face).toFixed(2);
      });
    });
    panel.querySelector('#cutbox-reset').addEventListener('click', () => this.reset());
    panel.querySelector('#cutbox-off').addEventListener('click', () => this.remove());
    bar.append(panel);
    this.bar = bar;
  }

  /** Open the box around the visible model. */
  open() {
    const box = this.viewer.boxOf([...this.viewer.storeys.values()].filter((g) => g.visible));
    if (box.isEmpty()) return;
    const a = sceneToModel(box.min);
    const b = sceneToModel(box.max);
    const min = a.map((v, i) => Math.min(v, b[i]) - OPEN_MARGIN_M);
    const max = a.map((v, i) => Math.max(v, b[i]) + OPEN_MARGIN_M);
    this.limits = { min: [...min], max: [...max] };
    this.bounds = { min, max };
    this.makeGizmo();
    this.update();
    this.redrawBar();
  }

  /** Back to the box around the model as it was when the cut box opened. */
  reset() {
    if (!this.on) return;
    this.bounds = { min: [...this.limits.min], max: [...this.limits.max] };
    this.update();
    this.redrawBar();
  }

  remove() {
    if (this.gizmo) {
      this.gizmo.detach();
      this.viewer.scene.remove(this.gizmo.getHelper());
      this.gizmo.dispose();
      this.gizmo = null;
      this.viewer.scene.remove(this.anchor);
    }
    this.clearGroup();
    this.bounds = null;
    this.viewer.setBoxPlanes([]);
    this.redrawBar();
  }

  faceValue(face) {
    return (face.side < 0 ? this.bounds.min : this.bounds.max)[face.component];
  }

  /** Put a face at `value` (model metres along its axis), never past the opposite face. */
  moveFace(face, value) {
    const { min, max } = this.bounds;
    const i = face.component;
    if (face.side < 0) min[i] = Math.min(value, max[i] - 0.01);
    else max[i] = Math.max(value, min[i] + 0.01);
    this.update();
    const input = this.bar?.querySelector(`input[data-face="${face.id}"]`);
    if (input && document.activeElement !== input) input.value = this.faceValue(face).toFixed(2);
  }

  setActive(id) {
    this.active = id;
    this.bar?.querySelectorAll('input[data-face]').forEach((i) => i.classList.toggle('active', i.dataset.face === id));
    this.update();
  }

  /** The six planes (each keeps the box's side) and the box's outline and handles. */
  update() {
    const { min, max } = this.bounds;
    const planes = FACES.map((face) => {
      const inward = [0, 0, 0];
      inward[face.component] = -face.side;
      const normal = modelToScene(inward);
      const at = modelToScene(face.side < 0 ? min : max);
      return new THREE.Plane().setFromNormalAndCoplanarPoint(normal, at);
    });
    this.viewer.setBoxPlanes(planes);
    this.drawBox();
    this.viewer.requestRender();
  }

  clearGroup() {
    for (const child of [...this.group.children]) {
      this.group.remove(child);
      child.geometry?.dispose();
      child.material?.dispose();
    }
  }

  drawBox() {
    this.clearGroup();
    const { min, max } = this.bounds;
    const box = new THREE.Box3().setFromPoints([modelToScene(min), modelToScene(max)]);
    const outline = new THREE.Box3Helper(box, BOX_COLOUR);
    outline.material.depthTest = false;
    outline.renderOrder = 15;
    this.group.add(outline);
    const size = Math.max(box.getSize(new THREE.Vector3()).length() * HANDLE_SHARE, 0.2);
    const centre = [0, 1, 2].map((i) => (min[i] + max[i]) / 2);
    for (const face of FACES) {
      const at = [...centre];
      at[face.component] = this.faceValue(face);
      const handle = new THREE.Mesh(
        new THREE.BoxGeometry(size, size, size),
        new THREE.MeshBasicMaterial({ color: face.id === this.active ? 0xffc400 : BOX_COLOUR, depthTest: false }),
      );
      handle.position.copy(modelToScene(at));
      handle.renderOrder = 16;
      handle.userData.face = face.id;
      this.group.add(handle);
      if (face.id === this.active && this.gizmo && !this.dragging) {
        this.anchor.position.copy(handle.position);
        this.gizmo.showX = face.component === 0;
        this.gizmo.showY = face.component === 2;
        this.gizmo.showZ = face.component === 1;
      }
    }
  }

  /** One drag arrow, on the active face's handle, moving that face along its axis. */
  makeGizmo() {
    if (this.gizmo) return;
    this.anchor = new THREE.Object3D();
    this.viewer.scene.add(this.anchor);
    const gizmo = new TransformControls(this.viewer.camera, this.viewer.renderer.domElement);
    gizmo.setMode('translate');
    gizmo.attach(this.anchor);
    gizmo.addEventListener('dragging-changed', (e) => {
      this.dragging = e.value;
      this.viewer.controls.enabled = !e.value;
    });
    gizmo.addEventListener('objectChange', () => {
      const face = FACES.find((f) => f.id === this.active);
      this.moveFace(face, sceneToModel(this.anchor.position)[face.component]);
    });
    gizmo.addEventListener('change', () => this.viewer.requestRender());
    this.viewer.scene.add(gizmo.getHelper());
    this.gizmo = gizmo;
  }

  /** A pointer down on a face's handle makes that face the dragged one. */
  grabHandle(event) {
    if (!this.on || this.dragging) return false;
    const rect = this.viewer.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((event.clientX - rect.left) / rect.width) * 2 - 1,
      -((event.clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, this.viewer.camera);
    const hit = this.raycaster.intersectObjects(this.group.children.filter((c) => c.userData.face), false)[0];
    if (!hit) return false;
    this.setActive(hit.object.userData.face);
    return true;
  }

  redrawBar() {
    this.onChange?.();
  }

  /** The box as six clipping planes in model coordinates (a viewpoint's, BCF style:
   * a point on each face and its normal towards the cut-away side; no axis). */
  clippingPlanes() {
    if (!this.on) return [];
    return FACES.map((face) => {
      const location = FACES.slice(0, 3).map((_, i) => (this.bounds.min[i] + this.bounds.max[i]) / 2);
      location[face.component] = this.faceValue(face);
      const direction = [0, 0, 0];
      direction[face.component] = face.side;
      return { location, direction, axis: null, flipped: false };
    });
  }

  /** Restore a box saved by `clippingPlanes()` (planes without an axis), or remove it. */
  setClippingPlanes(planes) {
    const faces = (planes || []).filter((p) => !p.axis);
    if (faces.length !== FACES.length) return this.remove();
    if (!this.on) this.open();
    if (!this.on) return;
    for (const plane of faces) {
      const component = plane.direction.findIndex((v) => Math.abs(v) > 0.5);
      const face = FACES.find((f) => f.component === component && f.side === Math.sign(plane.direction[component]));
      if (face) (face.side < 0 ? this.bounds.min : this.bounds.max)[component] = plane.location[component];
    }
    this.update();
    this.redrawBar();
  }

  /** The box's faces in model metres, for the test hook and viewpoints. */
  state() {
    return this.bounds && { min: [...this.bounds.min], max: [...this.bounds.max] };
  }
}
