// Click to select: a ray through the canvas against what is shown. Rooms and
// equipment come first (equipment inside a room wins over the room around it);
// doors, windows, stairs and other small elements win when they are nearer;
// walls and slabs are picked when nothing else is under the pointer. Parts cut
// away by a clipping plane (storey cut, section planes) are never hit.

import * as THREE from 'three';

/** Pixels the pointer may move between down and up and still count as a click. */
const CLICK_TOLERANCE_PX = 5;
/** Structure classes that enclose rooms: picked only when no room or equipment is hit. */
const ENCLOSING = ['IfcWall', 'IfcSlab', 'IfcRoof', 'IfcCovering', 'IfcCurtainWall', 'IfcPlate', 'IfcSite', 'IfcFooting'];
/** A picked point snaps to a vertex this close on screen (CSS px)… */
const SNAP_PX = 12;
/** …of the surfaces hit within this depth of the first one (m): shared edges, coplanar faces. */
const SNAP_DEPTH_M = 0.05;

export class Picker {
  constructor(viewer, onPick) {
    this.viewer = viewer;
    this.onPick = onPick;
    /** When set, a click goes to this function instead of selecting: `(clientX, clientY) => void`. */
    this.override = null;
    this.raycaster = new THREE.Raycaster();
    const canvas = viewer.renderer.domElement;
    let down = null;
    canvas.addEventListener('pointerdown', (e) => {
      down = { x: e.clientX, y: e.clientY };
    });
    canvas.addEventListener('pointerup', (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > CLICK_TOLERANCE_PX) return;
      down = null;
      if (this.override) this.override(e.clientX, e.clientY);
      else this.onPick(this.pick(e.clientX, e.clientY));
    });
  }

  /** Every visible, unclipped hit under a page point, nearest first. */
  hits(clientX, clientY) {
    const viewer = this.viewer;
    const rect = viewer.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, viewer.camera);
    const targets = [];
    viewer.model?.traverseVisible((o) => (o.isBatchedMesh || o.name === 'structure') && targets.push(o));
    return this.raycaster
      .intersectObjects(targets, false)
      .filter((h) => !viewer.clipped(h.point))
      .map((h) => {
        const record = h.object.isBatchedMesh
          ? h.object.userData.records[h.batchId]
          : viewer.structureRecordAt(h.object, h.faceIndex);
        return { ...h, record };
      })
      .filter((h) => h.record && !viewer.hidden.has(h.record.global_id));
  }

  /** The element record under a page point, or null. */
  pick(clientX, clientY) {
    const hits = this.hits(clientX, clientY);
    const pickable = hits.filter((h) => h.record.kind !== 'element');
    const small = hits.find((h) => h.record.kind === 'element' && !ENCLOSING.some((c) => h.record.ifc_class.startsWith(c)));
    if (pickable.length) {
      const first = pickable[0];
      if (small && small.distance < first.distance) return small.record;
      if (first.record.kind === 'room') {
        // The ray enters the room, maybe meets equipment, and leaves the room.
        const exit = pickable.find((h, i) => i > 0 && h.record === first.record);
        const limit = exit ? exit.distance : Infinity;
        const inside = pickable.find((h) => h.record.kind === 'equipment' && h.distance <= limit);
        if (inside) return inside.record;
      }
      return first.record;
    }
    return small ? small.record : hits[0]?.record ?? null;
  }

  /**
   * The model point under a page point (scene frame), snapped to the nearest
   * vertex of the surfaces there when one is within SNAP_PX; null off the model.
   */
  point(clientX, clientY) {
    const hits = this.hits(clientX, clientY);
    if (!hits.length) return null;
    const near = hits.filter((h) => h.distance - hits[0].distance <= SNAP_DEPTH_M);
    let best = null;
    let bestPx = SNAP_PX;
    const vertex = new THREE.Vector3();
    for (const h of near) {
      const position = h.object.geometry.attributes.position;
      for (const i of [h.face.a, h.face.b, h.face.c]) {
        vertex.fromBufferAttribute(position, i).applyMatrix4(h.object.matrixWorld);
        const screen = this.viewer.toScreen(vertex);
        const px = Math.hypot(screen.x - clientX, screen.y - clientY);
        if (px < bestPx) {
          bestPx = px;
          best = vertex.clone();
        }
      }
    }
    return { point: best || hits[0].point.clone(), snapped: best !== null, record: hits[0].record };
  }
}
