// The model tree: building → storeys → rooms (→ their equipment) and the
// storey's other elements by class, with counts, a filter, and show / hide /
// isolate on every node. Nodes are drawn when opened, so a 2,000-room
// building costs nothing until someone looks.

import { escapeHtml as h } from './colours.js';
import { fmtNumber, t } from './strings.js';

/** Most leaves listed for a filter. */
const MAX_MATCHES = 300;
/** Room numbers in natural order (0102 before 0110); one collator, not one per comparison. */
const NATURAL = new Intl.Collator(undefined, { numeric: true });

export class ModelTree {
  constructor(element, viewer, { onSelect, onIsolate, onVisibility }) {
    this.element = element;
    this.viewer = viewer;
    this.onSelect = onSelect; // gid -> void
    this.onIsolate = onIsolate; // (gids, storey|null) -> void
    this.onVisibility = onVisibility || (() => {});
    this.open = new Set(['building']);
    this.names = new Map(); // gid -> label
    this.filter = '';
    this.selected = null;
    this.root = null;
  }

  /** Build the tree from the loaded model; `storeys` and `spaces` from the API. */
  build(buildingName, storeys, spaces) {
    for (const s of spaces) this.names.set(s.global_id, [s.name, s.long_name].filter(Boolean).join(' '));
    const byStorey = new Map(storeys.map((s) => [s.global_id, { storey: s, rooms: [], equipment: new Map(), classes: new Map() }]));
    const partOf = (gid) => {
      if (!byStorey.has(gid)) byStorey.set(gid, { storey: { global_id: gid, name: gid === 'unplaced' ? '—' : gid }, rooms: [], equipment: new Map(), classes: new Map() });
      return byStorey.get(gid);
    };
    const roomOf = new Map();
    for (const record of this.viewer.elements.values()) {
      const part = partOf(record.storey || 'unplaced');
      if (record.kind === 'room') part.rooms.push(record);
      else if (record.kind === 'equipment' && record.room) {
        if (!roomOf.has(record.room)) roomOf.set(record.room, []);
        roomOf.get(record.room).push(record);
      } else {
        if (!part.classes.has(record.ifc_class)) part.classes.set(record.ifc_class, []);
        part.classes.get(record.ifc_class).push(record);
      }
    }
    const leaf = (record) => ({ id: record.global_id, gid: record.global_id, record, children: null });
    const group = (id, label, children) => ({ id, label, children, gids: children.flatMap((c) => c.gids || [c.gid]) });
    const storeyNodes = [...byStorey.values()].reverse().filter((p) => p.rooms.length || p.classes.size).map(({ storey, rooms, classes }) => {
      rooms.sort((a, b) => NATURAL.compare(this.label(a), this.label(b)));
      const roomNodes = rooms.map((room) => {
        const inside = (roomOf.get(room.global_id) || []).map(leaf);
        return { ...leaf(room), children: inside.length ? inside : null, gids: [room.global_id, ...inside.map((c) => c.gid)] };
      });
      const children = [];
      if (roomNodes.length) children.push(group(`rooms:${storey.global_id}`, t('treeRooms'), roomNodes));
      for (const [cls, records] of [...classes].sort(([a], [b]) => NATURAL.compare(a, b))) {
        children.push(group(`class:${storey.global_id}:${cls}`, cls, records.map(leaf)));
      }
      const node = group(`storey:${storey.global_id}`, storey.name, children);
      node.storey = storey.global_id;
      return node;
    });
    this.root = group('building', buildingName, storeyNodes);
    this.render();
  }

  /** Element names from the API (loaded after the model is drawn). */
  setNames(rows) {
    for (const row of rows) if (!this.names.has(row.global_id) && row.name) this.names.set(row.global_id, row.name);
    this.render();
  }

  label(record) {
    return this.names.get(record.global_id) || `${record.ifc_class} ${record.global_id.slice(0, 8)}`;
  }

  select(gid) {
    this.selected = gid;
    if (!this.root) return;
    const path = gid ? this.pathTo(this.root, gid) : null;
    if (path) for (const node of path.slice(0, -1)) this.open.add(node.id);
    this.render();
    this.element.querySelector('.tree .selected')?.scrollIntoView({ block: 'nearest' });
  }

  pathTo(node, gid) {
    if (node.gid === gid) return [node];
    for (const child of node.children || []) {
      const path = this.pathTo(child, gid);
      if (path) return [node, ...path];
    }
    return null;
  }

  render() {
    if (!this.root) return;
    const hidden = this.viewer.hidden;
    let html = `<h2>${h(t('modelTree'))}</h2>
      <div class="tree-tools"><input id="tree-search" type="search" placeholder="${h(t('treeSearch'))}" value="${h(this.filter)}">
      <button type="button" id="tree-show-all" ${hidden.size ? '' : 'disabled'}>${h(t('showAll'))}</button></div>`;
    if (hidden.size) html += `<p class="muted" data-field="hidden-count">${h(t('hiddenCount', { n: fmtNumber(hidden.size) }))}</p>`;
    html += '<ul class="tree">';
    if (this.filter) html += this.matchesHtml();
    else html += this.nodeHtml(this.root);
    html += '</ul>';
    const focused = document.activeElement?.id === 'tree-search';
    const caret = focused ? /** @type {HTMLInputElement} */ (document.activeElement).selectionStart : null;
    this.element.innerHTML = html;
    const search = this.element.querySelector('#tree-search');
    if (focused) {
      search.focus();
      search.setSelectionRange(caret, caret);
    }
    search.addEventListener('input', () => {
      this.filter = search.value.trim();
      this.render();
    });
    this.element.querySelector('#tree-show-all').addEventListener('click', () => this.setHidden([]));
    this.element.querySelectorAll('li[data-node]').forEach((li) => this.wire(li));
  }

  nodeHtml(node) {
    const isLeaf = node.gid !== undefined;
    const gids = node.gids || [node.gid];
    const shown = gids.some((g) => !this.viewer.hidden.has(g));
    const count = node.children && !isLeaf ? ` <span class="count-n">${h(fmtNumber(node.gids.length))}</span>` : '';
    const label = isLeaf ? this.label(node.record) : node.label;
    const open = this.open.has(node.id);
    const toggle = node.children ? `<button type="button" class="twisty" aria-expanded="${open}">${open ? '▾' : '▸'}</button>` : '<span class="twisty"></span>';
    let html = `<li data-node="${h(node.id)}" ${isLeaf ? `data-gid="${h(node.gid)}"` : ''} class="${isLeaf && node.gid === this.selected ? 'selected' : ''}">
      <div class="row">${toggle}<button type="button" class="label ${shown ? '' : 'is-hidden'}">${h(label)}${count}</button>
      <button type="button" class="eye" title="${h(shown ? t('hide') : t('show'))}">${shown ? '●' : '○'}</button>
      <button type="button" class="isolate" title="${h(t('isolate'))}">◎</button></div>`;
    if (node.children && open) html += `<ul>${node.children.map((c) => this.nodeHtml(c)).join('')}</ul>`;
    return `${html}</li>`;
  }

  matchesHtml() {
    const needle = this.filter.toLowerCase();
    const found = [];
    const visit = (node) => {
      if (found.length >= MAX_MATCHES) return;
      if (node.gid !== undefined) {
        const text = `${this.label(node.record)} ${node.record.ifc_class} ${node.gid}`.toLowerCase();
        if (text.includes(needle)) found.push(node);
      }
      for (const child of node.children || []) visit(child);
    };
    visit(this.root);
    if (!found.length) return `<li class="muted">${h(t('searchNone'))}</li>`;
    return found.map((node) => this.nodeHtml({ ...node, children: null })).join('');
  }

  find(id) {
    const visit = (node) => {
      if (node.id === id) return node;
      for (const child of node.children || []) {
        const hit = visit(child);
        if (hit) return hit;
      }
      return null;
    };
    return visit(this.root);
  }

  wire(li) {
    const node = this.find(li.dataset.node);
    if (!node) return;
    const row = li.querySelector(':scope > .row');
    const gids = node.gids || [node.gid];
    row.querySelector('.twisty')?.addEventListener?.('click', () => {
      if (this.open.has(node.id)) this.open.delete(node.id);
      else this.open.add(node.id);
      this.render();
    });
    row.querySelector('.label').addEventListener('click', () => {
      if (node.gid !== undefined) this.onSelect(node.gid);
      else {
        if (this.open.has(node.id)) this.open.delete(node.id);
        else this.open.add(node.id);
        this.render();
      }
    });
    row.querySelector('.eye').addEventListener('click', () => {
      const hidden = new Set(this.viewer.hidden);
      const shown = gids.some((g) => !hidden.has(g));
      for (const g of gids) (shown ? hidden.add(g) : hidden.delete(g));
      this.setHidden([...hidden]);
    });
    row.querySelector('.isolate').addEventListener('click', () => {
      const keep = new Set(gids);
      const storey = node.storey ?? (node.record ? node.record.storey : this.storeyOfGroup(node));
      this.setHidden([...this.viewer.elements.keys()].filter((g) => !keep.has(g)), false);
      this.onIsolate(gids, node.id === 'building' ? null : storey || null);
      this.render();
    });
  }

  storeyOfGroup(node) {
    const first = this.viewer.element(node.gids?.[0]);
    return first ? first.storey : null;
  }

  setHidden(gids, render = true) {
    this.viewer.setHidden(gids);
    this.onVisibility();
    if (render) this.render();
  }
}
