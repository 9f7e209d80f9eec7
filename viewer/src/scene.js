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

/** Model coordinates (Z up) to scene coordinates (Y up). */
export function modelToScene([x, y, z]) {
  return new THREE.Vector3(x, z, -y);
}

export function isStructure(ifcClass) {
  return STRUCTURE.some((prefix) => ifcClass.startsWith(prefix));
}

/** One indexed geometry of many elements' triangles (scene frame). */
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
    this.objects = new Map(); // gid -> pickable Mesh (rooms and equipment)
    this.rooms = []; // pickable room meshes
    this.equipment = []; // pickable equipment meshes
    this._colour = new THREE.Color();
    this.overlay = new THREE.Group(); // selection outline, route lines
    this.scene.add(this.overlay);

    this.onFirstRender = null;
    this.rendered = 0;
    this._needsRender = true;
    this._resize();
    new ResizeObserver(() => this._resize()).observe(container);
    const loop = () => {
      requestAnimationFrame(loop);
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
    loop();
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
      part.structure.get(key).items.push(element);
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

  /** Frame a box (or the visible model) with the camera looking from the south-east above. */
  fit(box) {
    if (!box) {
      const visible = [...this.storeys.values()].filter((g) => g.visible);
      box = this.boxOf(visible.length ? visible : this.model ? [this.model] : []);
    }
    if (box.isEmpty()) return;
    const centre = box.getCenter(new THREE.Vector3());
    const radius = Math.max(box.getSize(new THREE.Vector3()).length() / 2, 1);
    const distance = radius / Math.sin(THREE.MathUtils.degToRad(this.camera.fov / 2)) * 1.05;
    const direction = new THREE.Vector3(0.6, 0.9, 0.75).normalize();
    this.camera.position.copy(centre).addScaledVector(direction, distance);
    this.camera.near = Math.max(distance / 1000, 0.05);
    this.camera.far = distance * 20;
    this.camera.updateProjectionMatrix();
    this.controls.target.copy(centre);
    this.controls.update();
    this.requestRender();
  }

  /** Clip everything above `y` (scene units), or nothing when y is null. */
  setCut(y) {
    this.renderer.clippingPlanes = y === null ? [] : [new THREE.Plane(new THREE.Vector3(0, -1, 0), y)];
    this.requestRender();
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
