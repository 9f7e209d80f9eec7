// The three.js scene: renderer, camera and controls, the building's GLB turned
// into pickable rooms and equipment plus merged, non-pickable structure.
//
// The GLB is Y-up: a model point (x, y, z) (IFC, Z up, metres) is (x, z, -y) here.

import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { readGlb } from './glb.js';

/** Classes drawn but not pickable: merged per storey and material after load. */
const STRUCTURE = [
  'IfcWall', 'IfcSlab', 'IfcRoof', 'IfcDoor', 'IfcWindow', 'IfcStair', 'IfcRamp',
  'IfcRailing', 'IfcCovering', 'IfcColumn', 'IfcBeam', 'IfcMember', 'IfcPlate',
  'IfcFurnishingElement', 'IfcFurniture', 'IfcCurtainWall', 'IfcFooting', 'IfcPile',
  'IfcBuildingElementProxy', 'IfcOpeningElement', 'IfcSite', 'IfcChimney', 'IfcShading',
];

export const ROOM_OPACITY = 0.28;
/** Opacity of what X-ray ghosts (per instance for rooms and equipment, per material for structure). */
const GHOST_ALPHA = 0.12;
const GHOST_STRUCTURE_OPACITY = 0.06;
/** Duration of a camera flight (fly-to, standard views), ms. */
export const FLIGHT_MS = 450;
/** Standard view directions (scene frame, Y up, from the target towards the camera). */
const VIEW_DIRECTIONS = {
  top: [0, 1, 0.0001],
  bottom: [0, -1, 0.0001],
  front: [0, 0.0001, 1],
  back: [0, 0.0001, -1],
  left: [-1, 0.0001, 0],
  right: [1, 0.0001, 0],
  iso: [0.6, 0.9, 0.75],
};

/** Scene coordinates (Y up) to model coordinates (Z up): the inverse of `modelToScene`. */
export function sceneToModel(v) {
  return [v.x, -v.z, v.y];
}

/** Model coordinates (Z up) to scene coordinates (Y up).
 * @param {number[]} point [x, y, z] */
export function modelToScene([x, y, z]) {
  return new THREE.Vector3(x, z, -y);
}

export function isStructure(ifcClass) {
  return STRUCTURE.some((prefix) => ifcClass.startsWith(prefix));
}

/**
 * One indexed geometry of many elements' triangles (scene frame). Each item's
 * first index is written to `item.start` and its length to `item.count`, so a
 * hit triangle finds its element and an element can be hidden on its own.
 */
function merge(items) {
  let vertices = 0;
  let indices = 0;
  for (const item of items) {
    vertices += item.positions.length;
    indices += item.indices.length;
  }
  const position = new Float32Array(vertices);
  const index = new Uint32Array(indices);
  let v = 0;
  let i = 0;
  for (const item of items) {
    position.set(item.positions, v);
    item.start = i;
    item.count = item.indices.length;
    const base = v / 3;
    for (let k = 0; k < item.indices.length; k++) index[i + k] = item.indices[k] + base;
    v += item.positions.length;
    i += item.indices.length;
  }
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute('position', new THREE.BufferAttribute(position, 3));
  geometry.setIndex(new THREE.BufferAttribute(index, 1));
  geometry.computeBoundingSphere();
  return geometry;
}

export class Viewer3D {
  constructor(container) {
    this.container = container;
    this.renderer = new THREE.WebGLRenderer({ antialias: true, powerPreference: 'high-performance' });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setClearColor(0xeef1f5);
    this.renderer.localClippingEnabled = false;
    container.prepend(this.renderer.domElement);
    this.renderer.domElement.id = 'canvas3d';

    this.scene = new THREE.Scene();
    this.camera = new THREE.PerspectiveCamera(45, 1, 0.1, 5000);
    this.camera.position.set(40, 40, 40);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = false;
    this.controls.screenSpacePanning = true;
    this.controls.addEventListener('change', () => this.requestRender());

    this.scene.add(new THREE.HemisphereLight(0xffffff, 0x8a8f99, 2.2));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(0.5, 1, 0.3);
    this.scene.add(sun);

    this.model = null; // the building's root group
    this.storeys = new Map(); // storey gid -> Group
    this.objects = new Map(); // gid -> pickable record (rooms and equipment)
    this._elements = null; // gid -> record of every element, built on first use
    this.hidden = new Set(); // gids hidden by the user (model tree)
    this.structure = []; // merged structure meshes (one per storey and material)
    this.xray = false;
    this.xrayKeep = new Set(); // gids X-ray leaves solid (the selection)
    this.cutPlanes = []; // the storey cut
    this.sectionPlanes = []; // the user's section planes
    this.boxPlanes = []; // the user's cut box
    this.rooms = []; // pickable room meshes
    this.equipment = []; // pickable equipment meshes
    this._colour = new THREE.Color();
    this.overlay = new THREE.Group(); // selection outline, route lines
    this.scene.add(this.overlay);

    this.onFirstRender = null;
    this.rendered = 0;
    this._needsRender = true;
    this._flight = null;
    this._resize();
    new ResizeObserver(() => this._resize()).observe(container);
    const loop = (now) => {
      requestAnimationFrame(loop);
      if (this._flight) this._fly(now);
      if (!this._needsRender) return;
      this._needsRender = false;
      this.renderer.render(this.scene, this.camera);
      this.rendered += 1;
      if (this.model && this.onFirstRender) {
        const callback = this.onFirstRender;
        this.onFirstRender = null;
        callback();
      }
    };
    loop(performance.now());
  }

  requestRender() {
    this._needsRender = true;
  }

  _resize() {
    const { clientWidth: w, clientHeight: h } = this.container;
    if (!w || !h) return;
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.size = new THREE.Vector2(w, h);
    this.overlay.traverse((o) => o.material?.resolution?.set(w, h));
    this.requestRender();
  }

  /** Read GLB bytes and replace the model. */
  async load(buffer) {
    const t0 = performance.now();
    const { elements } = readGlb(buffer);
    this.timings = { glbReadMs: performance.now() - t0 };
    this.clear();
    this.structure = [];
    const root = new THREE.Group();
    root.name = 'building';
    const parts = new Map(); // storey gid -> {group, structure: Map(key -> {colour, opacity, items}), rooms, equipment}
    const partsOf = (storey) => {
      const key = storey || 'unplaced';
      if (!parts.has(key)) {
        const group = new THREE.Group();
        group.name = `storey:${key}`;
        root.add(group);
        this.storeys.set(key, group);
        parts.set(key, { group, structure: new Map(), rooms: [], equipment: [] });
      }
      return parts.get(key);
    };
    for (const element of elements) {
      const part = partsOf(element.storey);
      const ifcClass = element.ifc_class;
      if (ifcClass === 'IfcSpace' || !isStructure(ifcClass)) {
        const kind = ifcClass === 'IfcSpace' ? 'room' : 'equipment';
        const record = {
          global_id: element.global_id, ifc_class: ifcClass, kind, storey: element.storey,
          positions: element.positions, indices: element.indices, colour: null,
        };
        (kind === 'room' ? part.rooms : part.equipment).push(record);
        continue;
      }
      const key = `${element.colour.getHexString()}|${element.opacity}`;
      if (!part.structure.has(key)) part.structure.set(key, { colour: element.colour, opacity: element.opacity, items: [] });
      part.structure.get(key).items.push({
        global_id: element.global_id, ifc_class: ifcClass, kind: 'element', storey: element.storey,
        positions: element.positions, indices: element.indices, mesh: null, _box: null,
      });
    }
    for (const part of parts.values()) {
      for (const { colour, opacity, items } of part.structure.values()) {
        const transparent = opacity < 1;
        const mesh = new THREE.Mesh(merge(items), new THREE.MeshLambertMaterial({
          color: colour, transparent, opacity,
          side: transparent ? THREE.DoubleSide : THREE.FrontSide, flatShading: true, depthWrite: !transparent,
        }));
        mesh.name = 'structure';
        mesh.matrixAutoUpdate = false;
        mesh.userData.records = items;
        mesh.userData.starts = Uint32Array.from(items, (item) => item.start);
        mesh.userData.material = mesh.material;
        for (const item of items) {
          // The merged geometry holds the triangles now: let the file's buffer go.
          item.mesh = mesh;
          item.positions = null;
          item.indices = null;
        }
        this.structure.push(mesh);
        part.group.add(mesh);
      }
      this._batch(part.group, part.rooms, new THREE.MeshLambertMaterial({
        transparent: true, opacity: ROOM_OPACITY, side: THREE.DoubleSide, depthWrite: false, flatShading: true,
      }), 2);
      this._batch(part.group, part.equipment, new THREE.MeshLambertMaterial({ flatShading: true }), 1);
      this.rooms.push(...part.rooms);
      this.equipment.push(...part.equipment);
    }
    this.model = root;
    this.scene.add(root);
    root.updateMatrixWorld(true);
    for (const record of [...this.rooms, ...this.equipment]) this.objects.set(record.global_id, record);
    this._roomOfEquipment();
    this.timings.buildMs = performance.now() - t0 - this.timings.glbReadMs;
    this.fit();
  }

  /** One BatchedMesh (one draw call) for a storey's rooms or equipment; colours per instance. */
  _batch(group, records, material, renderOrder) {
    if (!records.length) return;
    let vertices = 0;
    let indices = 0;
    for (const r of records) {
      vertices += r.positions.length / 3;
      indices += r.indices.length;
    }
    const batch = new THREE.BatchedMesh(records.length, vertices, indices, material);
    batch.name = material.transparent ? 'rooms' : 'equipment';
    batch.renderOrder = renderOrder;
    batch.userData.records = [];
    const white = new THREE.Color(0xffffff);
    for (const r of records) {
      const geometry = new THREE.BufferGeometry();
      geometry.setAttribute('position', new THREE.BufferAttribute(r.positions, 3));
      geometry.setIndex(new THREE.BufferAttribute(r.indices, 1));
      geometry.computeBoundingBox();
      r.box = geometry.boundingBox; // storey groups sit at the origin: scene frame
      const geometryId = batch.addGeometry(geometry);
      r.instanceId = batch.addInstance(geometryId);
      batch.setColorAt(r.instanceId, white);
      r.batch = batch;
      batch.userData.records[r.instanceId] = r;
      delete r.positions;
      delete r.indices;
    }
    group.add(batch);
  }

  /** Set an element's colour (a record from `objects`). */
  paint(record, hex) {
    record.colour = hex;
    record.batch.setColorAt(record.instanceId, this._colour.set(hex));
  }

  /** Every element's record by GlobalId (rooms, equipment and structure), made when first asked. */
  get elements() {
    if (!this._elements) {
      this._elements = new Map(this.objects);
      for (const mesh of this.structure) for (const item of mesh.userData.records) this._elements.set(item.global_id, item);
    }
    return this._elements;
  }

  /** Any element's record by GlobalId, or null. */
  element(gid) {
    return (gid && (this.objects.get(gid) || this.elements.get(gid))) || null;
  }

  /** An element's bounding box (scene frame); structure boxes are computed on first use. */
  recordBox(record) {
    if (record.box) return record.box;
    if (!record._box) {
      const box = new THREE.Box3();
      const { index, attributes } = record.mesh.geometry;
      const source = record.mesh.userData.original || index.array;
      const v = new THREE.Vector3();
      for (let i = record.start; i < record.start + record.count; i++) box.expandByPoint(v.fromBufferAttribute(attributes.position, source[i]));
      record._box = box;
    }
    return record._box;
  }

  /** A structure element's own triangles, copied out of its merged mesh. */
  recordGeometry(record) {
    const { index, attributes } = record.mesh.geometry;
    const source = record.mesh.userData.original || index.array;
    const from = attributes.position.array;
    const remap = new Map();
    const positions = [];
    const indices = new Uint32Array(record.count);
    for (let i = 0; i < record.count; i++) {
      const old = source[record.start + i];
      if (!remap.has(old)) {
        remap.set(old, remap.size);
        positions.push(from[old * 3], from[old * 3 + 1], from[old * 3 + 2]);
      }
      indices[i] = remap.get(old);
    }
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute('position', new THREE.Float32BufferAttribute(positions, 3));
    geometry.setIndex(new THREE.BufferAttribute(indices, 1));
    return geometry;
  }

  /** The structure element a triangle of a merged mesh belongs to. */
  structureRecordAt(mesh, faceIndex) {
    const starts = mesh.userData.starts;
    const index = faceIndex * 3;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return mesh.userData.records[lo];
  }

  /** Whether an element is shown: its storey, its own visibility (the tree). */
  isVisible(record) {
    if (this.hidden.has(record.global_id)) return false;
    const group = this.storeys.get(record.storey || 'unplaced');
    return !group || group.visible;
  }

  /** Hide exactly these GlobalIds (the model tree's show/hide/isolate); others are shown. */
  setHidden(gids) {
    this.hidden = new Set(gids);
    for (const record of this.objects.values()) record.batch.setVisibleAt(record.instanceId, !this.hidden.has(record.global_id));
    for (const mesh of this.structure) {
      const index = mesh.geometry.index;
      const records = mesh.userData.records;
      const anyHidden = records.some((r) => this.hidden.has(r.global_id));
      if (!anyHidden && !mesh.userData.original) continue;
      if (!mesh.userData.original) mesh.userData.original = index.array.slice();
      const original = mesh.userData.original;
      const array = index.array;
      for (const r of records) {
        if (this.hidden.has(r.global_id)) array.fill(original[r.start], r.start, r.start + r.count);
        else array.set(original.subarray(r.start, r.start + r.count), r.start);
      }
      index.needsUpdate = true;
    }
    this.requestRender();
  }

  /** X-ray: everything but `keep` (GlobalIds) ghosted; picking still reaches everything.
   * @param {boolean} on @param {Iterable<string>} [keep] */
  setXray(on, keep = this.xrayKeep) {
    this.xray = on;
    this.xrayKeep = new Set(keep);
    if (!this._ghost) {
      this._ghost = new THREE.MeshLambertMaterial({
        color: 0x9aa4b1, transparent: true, opacity: GHOST_STRUCTURE_OPACITY, depthWrite: false, side: THREE.DoubleSide,
      });
    }
    for (const mesh of this.structure) mesh.material = on ? this._ghost : mesh.userData.material;
    const colour = new THREE.Color();
    const rgba = new THREE.Vector4();
    const batches = new Set();
    for (const record of this.objects.values()) {
      const alpha = !on || this.xrayKeep.has(record.global_id) ? 1 : GHOST_ALPHA;
      colour.set(record.colour || '#ffffff');
      record.batch.setColorAt(record.instanceId, rgba.set(colour.r, colour.g, colour.b, alpha));
      batches.add(record.batch);
    }
    for (const batch of batches) {
      if (batch.name !== 'equipment') continue;
      batch.material.transparent = on;
      batch.material.depthWrite = !on;
      batch.material.needsUpdate = true;
    }
    this.requestRender();
  }

  /** The clipping planes in use: the storey cut and the user's section planes. */
  _applyClipping() {
    this.renderer.clippingPlanes = [...this.cutPlanes, ...this.sectionPlanes, ...this.boxPlanes];
    this.requestRender();
  }

  setSectionPlanes(planes) {
    this.sectionPlanes = planes;
    this._applyClipping();
  }

  /** The cut box's six planes (each keeps the inside), or none. */
  setBoxPlanes(planes) {
    this.boxPlanes = planes;
    this._applyClipping();
  }

  /** Whether a scene point is cut away by any clipping plane. */
  clipped(point) {
    return this.renderer.clippingPlanes.some((plane) => plane.distanceToPoint(point) < 0);
  }

  /** Look at the visible model (or `box`) from a standard direction: top, front, iso… */
  setView(name, box) {
    const direction = VIEW_DIRECTIONS[name];
    if (!direction) return;
    this.fit(box, { direction: new THREE.Vector3(...direction).normalize(), animate: true });
  }

  /** The camera in model coordinates (Z up, metres): BCF-style view point, direction, up, fov. */
  cameraState() {
    const target = this.controls.target;
    const position = this.camera.position;
    const up = new THREE.Vector3(0, 1, 0).applyQuaternion(this.camera.quaternion);
    return {
      camera_view_point: sceneToModel(position),
      camera_direction: sceneToModel(target.clone().sub(position)),
      camera_up_vector: sceneToModel(up),
      field_of_view_deg: this.camera.fov,
    };
  }

  /** Put the camera where a `cameraState()` says (animated unless `animate` is false). */
  setCameraState(state, { animate = true } = {}) {
    const position = modelToScene(state.camera_view_point);
    const target = position.clone().add(modelToScene(state.camera_direction));
    if (state.field_of_view_deg) this.camera.fov = state.field_of_view_deg;
    this._moveTo(position, target, animate);
  }

  _moveTo(position, target, animate) {
    const distance = position.distanceTo(target);
    this.camera.near = Math.max(distance / 1000, 0.05);
    this.camera.far = Math.max(distance * 20, 100);
    this.camera.updateProjectionMatrix();
    if (!animate) {
      this._flight = null;
      this.camera.position.copy(position);
      this.controls.target.copy(target);
      this.controls.update();
      this.requestRender();
      return;
    }
    this._flight = {
      start: performance.now(),
      fromPosition: this.camera.position.clone(),
      fromTarget: this.controls.target.clone(),
      position: position.clone(),
      target: target.clone(),
    };
    this.requestRender();
  }

  _fly(now) {
    const f = this._flight;
    const k = Math.min(1, (now - f.start) / FLIGHT_MS);
    const ease = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
    this.camera.position.lerpVectors(f.fromPosition, f.position, ease);
    this.controls.target.lerpVectors(f.fromTarget, f.target, ease);
    this.controls.update();
    this._needsRender = true;
    if (k >= 1) this._flight = null;
  }

  /** Whether the camera is moving (a flight or a walk). */
  get moving() {
    return this._flight !== null;
  }

  /** Which room holds each piece of equipment (centre inside the room's box, same storey). */
  _roomOfEquipment() {
    const byStorey = new Map();
    for (const room of this.rooms) {
      if (!byStorey.has(room.storey)) byStorey.set(room.storey, []);
      byStorey.get(room.storey).push(room);
    }
    const centre = new THREE.Vector3();
    for (const item of this.equipment) {
      item.box.getCenter(centre);
      const hit = (byStorey.get(item.storey) || []).find((room) => room.box.containsPoint(centre))
        || this.rooms.find((room) => room.box.containsPoint(centre));
      item.room = hit ? hit.global_id : null;
    }
  }

  clear() {
    if (this.model) {
      this.scene.remove(this.model);
      this.model.traverse((n) => n.geometry?.dispose());
    }
    this.model = null;
    this.storeys.clear();
    this.objects.clear();
    this._elements = null;
    this.structure = [];
    this.hidden.clear();
    this.xrayKeep.clear();
    this.rooms = [];
    this.equipment = [];
    this.overlay.clear();
    this.requestRender();
  }

  /** True when an object (or an element record, through its batch) and its parents are visible. */
  shown(object) {
    for (let o = object.batch || object; o; o = o.parent) if (!o.visible) return false;
    return true;
  }

  /** Bounding box of the given objects (default: the visible model). */
  boxOf(objects) {
    const box = new THREE.Box3();
    for (const o of objects) box.expandByObject(o);
    return box;
  }

  /** Frame a box (or the visible model), by default looking from the south-east above. */
  fit(box, { direction = null, animate = false } = {}) {
    if (!box) {
      const visible = [...this.storeys.values()].filter((g) => g.visible);
      box = this.boxOf(visible.length ? visible : this.model ? [this.model] : []);
    }
    if (box.isEmpty()) return;
    const centre = box.getCenter(new THREE.Vector3());
    const radius = Math.max(box.getSize(new THREE.Vector3()).length() / 2, 1);
    const distance = radius / Math.sin(THREE.MathUtils.degToRad(this.camera.fov / 2)) * 1.05;
    const towards = direction || new THREE.Vector3(0.6, 0.9, 0.75).normalize();
    this._moveTo(centre.clone().addScaledVector(towards, distance), centre, animate);
  }

  /** Clip everything above `y` (scene units), or nothing when y is null. */
  setCut(y) {
    this.cutPlanes = y === null ? [] : [new THREE.Plane(new THREE.Vector3(0, -1, 0), y)];
    this._applyClipping();
  }

  /** Screen position (CSS pixels, relative to the page) of a scene point. */
  toScreen(point) {
    const p = point.clone().project(this.camera);
    const rect = this.renderer.domElement.getBoundingClientRect();
    return {
      x: rect.left + ((p.x + 1) / 2) * rect.width,
      y: rect.top + ((1 - p.y) / 2) * rect.height,
      inView: p.z > -1 && p.z < 1 && Math.abs(p.x) <= 1 && Math.abs(p.y) <= 1,
    };
  }
}
