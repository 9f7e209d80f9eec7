// Click to select: a ray through the canvas against the visible rooms and
// equipment. Equipment inside a room wins over the room around it.

import * as THREE from 'three';

/** Pixels the pointer may move between down and up and still count as a click. */
const CLICK_TOLERANCE_PX = 5;

export class Picker {
  constructor(viewer, onPick) {
    this.viewer = viewer;
    this.onPick = onPick;
    this.raycaster = new THREE.Raycaster();
    const canvas = viewer.renderer.domElement;
    let down = null;
    canvas.addEventListener('pointerdown', (e) => {
      down = { x: e.clientX, y: e.clientY };
    });
    canvas.addEventListener('pointerup', (e) => {
      if (!down || Math.hypot(e.clientX - down.x, e.clientY - down.y) > CLICK_TOLERANCE_PX) return;
      down = null;
      this.onPick(this.pick(e.clientX, e.clientY));
    });
  }

  /** The element record (room or equipment) under a page point, or null. */
  pick(clientX, clientY) {
    const viewer = this.viewer;
    const rect = viewer.renderer.domElement.getBoundingClientRect();
    const ndc = new THREE.Vector2(
      ((clientX - rect.left) / rect.width) * 2 - 1,
      -((clientY - rect.top) / rect.height) * 2 + 1,
    );
    this.raycaster.setFromCamera(ndc, viewer.camera);
    const batches = [];
    viewer.model?.traverseVisible((o) => o.isBatchedMesh && batches.push(o));
    const cut = viewer.renderer.clippingPlanes[0];
    const hits = this.raycaster
      .intersectObjects(batches, false)
      .filter((h) => !cut || cut.distanceToPoint(h.point) >= 0)
      .map((h) => ({ distance: h.distance, record: h.object.userData.records[h.batchId] }))
      .filter((h) => h.record);
    if (!hits.length) return null;
    const first = hits[0].record;
    if (first.kind === 'room') {
      // The ray enters the room, maybe meets equipment, and leaves the room.
      const exit = hits.find((h, i) => i > 0 && h.record === first);
      const limit = exit ? exit.distance : Infinity;
      const inside = hits.find((h) => h.record.kind === 'equipment' && h.distance <= limit);
      if (inside) return inside.record;
    }
    return first;
  }
}
