// A small, fast reader of the twin's GLB (see spatial/scene.py): storey group
// nodes named `storey:<GlobalId>`, one mesh node per element with extras
// {global_id, ifc_class, storey}, one triangle primitive each. It returns typed
// array views into the file, which is several times faster than building a
// three.js object per element with GLTFLoader for thousands of elements.

import * as THREE from 'three';

const GLB_MAGIC = 0x46546c67; // "glTF"
const CHUNK_JSON = 0x4e4f534a;
const CHUNK_BIN = 0x004e4942;
const COMPONENTS = { 5121: Uint8Array, 5123: Uint16Array, 5125: Uint32Array, 5126: Float32Array };
const WIDTH = { SCALAR: 1, VEC3: 3 };

export class GlbError extends Error {}

/**
 * Elements of a GLB: `{storeys: [{global_id, name}], elements: [{global_id,
 * ifc_class, storey, colour: THREE.Color, opacity, positions: Float32Array
 * (scene frame, Y up), indices: Uint32Array}]}`.
 */
export function readGlb(buffer) {
  const view = new DataView(buffer);
  if (buffer.byteLength < 20 || view.getUint32(0, true) !== GLB_MAGIC) throw new GlbError('not a GLB file');
  let offset = 12;
  let json = null;
  let bin = null;
  while (offset + 8 <= buffer.byteLength) {
    const length = view.getUint32(offset, true);
    const type = view.getUint32(offset + 4, true);
    if (type === CHUNK_JSON) json = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, offset + 8, length)));
    else if (type === CHUNK_BIN) bin = offset + 8;
    offset += 8 + length;
  }
  if (!json) throw new GlbError('GLB without a JSON chunk');

  const accessor = (index) => {
    const a = json.accessors[index];
    const bufferView = json.bufferViews[a.bufferView];
    const Type = COMPONENTS[a.componentType];
    const width = WIDTH[a.type];
    if (!Type || !width) throw new GlbError(`unsupported accessor ${a.componentType} ${a.type}`);
    const start = bin + (bufferView.byteOffset || 0) + (a.byteOffset || 0);
    const stride = bufferView.byteStride || 0;
    if (!stride || stride === Type.BYTES_PER_ELEMENT * width) {
      if (start % Type.BYTES_PER_ELEMENT === 0) return new Type(buffer, start, a.count * width);
      return new Type(buffer.slice(start, start + a.count * width * Type.BYTES_PER_ELEMENT));
    }
    const out = new Type(a.count * width); // interleaved: copy out
    const source = new DataView(buffer, start);
    for (let i = 0; i < a.count; i++) {
      for (let k = 0; k < width; k++) {
        out[i * width + k] = Type === Float32Array ? source.getFloat32(i * stride + k * 4, true) : source.getUint32(i * stride + k * 4, true);
      }
    }
    return out;
  };

  const materials = (json.materials || []).map((m) => {
    const [r, g, b, a] = m.pbrMetallicRoughness?.baseColorFactor || [0.8, 0.8, 0.8, 1];
    return { colour: new THREE.Color().setRGB(r, g, b), opacity: m.alphaMode === 'BLEND' ? a : 1 };
  });
  const storeys = [];
  const elements = [];
  const visit = (index, parentMatrix, storey) => {
    const node = json.nodes[index];
    let matrix = parentMatrix;
    if (node.matrix || node.translation || node.rotation || node.scale) {
      const local = node.matrix
        ? new THREE.Matrix4().fromArray(node.matrix)
        : new THREE.Matrix4().compose(
          new THREE.Vector3(...(node.translation || [0, 0, 0])),
          new THREE.Quaternion(...(node.rotation || [0, 0, 0, 1])),
          new THREE.Vector3(...(node.scale || [1, 1, 1])),
        );
      matrix = parentMatrix ? parentMatrix.clone().multiply(local) : local;
    }
    let here = storey;
    if (node.name?.startsWith('storey:')) {
      here = node.name.slice(7);
      storeys.push({ global_id: here, name: node.name });
    }
    if (node.mesh !== undefined) {
      const mesh = json.meshes[node.mesh];
      const extras = { ...(mesh.extras || {}), ...(node.extras || {}) };
      for (const primitive of mesh.primitives) {
        if ((primitive.mode ?? 4) !== 4 || primitive.attributes.POSITION === undefined) continue;
        let positions = accessor(primitive.attributes.POSITION);
        if (matrix) {
          positions = Float32Array.from(positions);
          new THREE.BufferAttribute(positions, 3).applyMatrix4(matrix);
        }
        const count = positions.length / 3;
        const indices = primitive.indices === undefined
          ? Uint32Array.from({ length: count }, (_, i) => i)
          : Uint32Array.from(accessor(primitive.indices));
        const material = materials[primitive.material] || { colour: new THREE.Color(0.8, 0.8, 0.8), opacity: 1 };
        elements.push({
          global_id: extras.global_id || node.name || mesh.name,
          ifc_class: extras.ifc_class || '',
          storey: extras.storey || here || null,
          colour: material.colour,
          opacity: material.opacity,
          positions,
          indices,
        });
      }
    }
    for (const child of node.children || []) visit(child, matrix, here);
  };
  const scene = json.scenes?.[json.scene ?? 0];
  for (const root of scene?.nodes || []) visit(root, null, null);
  return { storeys, elements };
}
