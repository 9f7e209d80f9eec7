// The three.js scene: renderer, camera and controls, the building's GLB turned
// into pickable rooms and equipment plus merged, non-pickable structure.
//
// The GLB is Y-up: a model point (x, y, z) (IFC, Z up, metres) is (x, z, -y) here.

import * as THREE from 'three';
import { OrbitControls } from 'three/addons/controls/OrbitControls.js';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { mergeGeometries } from 'three/addons/utils/BufferGeometryUtils.js';

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

  /** Parse GLB bytes and replace the model. Resolves when the scene is indexed. */
  async load(buffer) {
    const gltf = await new GLTFLoader().parseAsync(buffer, '');
    this.clear();
    const root = gltf.scene;
    root.updateMatrixWorld(true);
    const structure = new Map(); // storey gid + material key -> [geometry]
    const meshes = [];
    root.traverse((node) => {
      if (node.name?.startsWith('storey:')) this.storeys.set(node.name.slice(7), node);
      if (node.isMesh) meshes.push(node);
    });
    for (const mesh of meshes) {
      const data = mesh.userData || {};
      const ifcClass = data.ifc_class || '';
      const gid = data.global_id || mesh.name;
      const storeyGroup = this._storeyOf(mesh);
      if (ifcClass === 'IfcSpace' || !isStructure(ifcClass)) {
        mesh.userData = { ...data, global_id: gid, ifc_class: ifcClass, kind: ifcClass === 'IfcSpace' ? 'room' : 'equipment' };
        mesh.userData.storey = data.storey || storeyGroup?.name.slice(7) || null;
        mesh.geometry.computeBoundingBox();
        mesh.geometry.computeBoundingSphere();
        if (ifcClass === 'IfcSpace') {
          mesh.renderOrder = 2;
          this.rooms.push(mesh);
        } else {
          this.equipment.push(mesh);
        }
        this.objects.set(gid, mesh);
        continue;
      }
      // Structure: bake into the storey group's frame, merged later.
      const material = mesh.material;
      const key = `${storeyGroup ? storeyGroup.name : ''}|${material.color.getHexString()}|${material.opacity}`;
      const geometry = mesh.geometry.clone();
      const toGroup = storeyGroup
        ? new THREE.Matrix4().copy(storeyGroup.matrixWorld).invert().multiply(mesh.matrixWorld)
        : mesh.matrixWorld;
      geometry.applyMatrix4(toGroup);
      for (const name of Object.keys(geometry.attributes)) if (name !== 'position') geometry.deleteAttribute(name);
      if (!structure.has(key)) structure.set(key, { group: storeyGroup || root, material, geometries: [] });
      structure.get(key).geometries.push(geometry);
      mesh.removeFromParent();
    }
    for (const { group, material, geometries } of structure.values()) {
      const allIndexed = geometries.every((g) => g.index);
      const parts = allIndexed ? geometries : geometries.map((g) => (g.index ? g.toNonIndexed() : g));
      const merged = mergeGeometries(parts, false);
      for (const g of geometries) g.dispose();
      if (!merged) continue;
      const transparent = material.opacity < 1;
      const mat = new THREE.MeshLambertMaterial({
        color: material.color, transparent, opacity: material.opacity,
        side: transparent ? THREE.DoubleSide : THREE.FrontSide, flatShading: true,
        depthWrite: !transparent,
      });
      const mesh = new THREE.Mesh(merged, mat);
      mesh.name = 'structure';
      mesh.matrixAutoUpdate = false;
      group.add(mesh);
    }
    for (const mesh of this.equipment) {
      mesh.material = new THREE.MeshLambertMaterial({ color: mesh.material.color, flatShading: true });
    }
    this.model = root;
    this.scene.add(root);
    root.updateMatrixWorld(true);
    this._roomOfEquipment();
    this.fit();
  }

  _storeyOf(node) {
    for (let p = node.parent; p; p = p.parent) if (p.name?.startsWith('storey:')) return p;
    return null;
  }

  /** Which room holds each piece of equipment (centre inside the room's box, same storey). */
  _roomOfEquipment() {
    const boxes = this.rooms.map((room) => [room, new THREE.Box3().setFromObject(room)]);
    const centre = new THREE.Vector3();
    for (const item of this.equipment) {
      new THREE.Box3().setFromObject(item).getCenter(centre);
      const hit = boxes.find(([room, box]) => room.userData.storey === item.userData.storey && box.containsPoint(centre))
        || boxes.find(([, box]) => box.containsPoint(centre));
      item.userData.room = hit ? hit[0].userData.global_id : null;
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

  /** True when the object and all its parents are visible. */
  shown(object) {
    for (let o = object; o; o = o.parent) if (!o.visible) return false;
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
