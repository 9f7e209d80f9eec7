// The storey list: show all storeys, or isolate one and cut at its ceiling so
// the rooms inside are visible from above.

import { fmtNumber, t } from './strings.js';

/** Height (m) below the next storey's floor where the cut is made. */
const CUT_BELOW_NEXT_FLOOR_M = 0.25;

export class StoreyList {
  /** @param {HTMLElement} element @param {any} viewer @param {{ onChange?: (gid: string | null) => void, onPlan?: (gid: string) => void }} [options] */
  constructor(element, viewer, { onChange, onPlan } = {}) {
    this.element = element;
    this.viewer = viewer;
    this.onChange = onChange || (() => {});
    this.onPlan = onPlan || null;
    this.storeys = [];
    this.current = null;
  }

  /** `storeys`: the API's list, bottom to top. */
  setStoreys(storeys) {
    this.storeys = storeys;
    this.current = null;
    this.render();
  }

  render() {
    this.element.replaceChildren();
    const title = document.createElement('h2');
    title.textContent = t('storeys');
    this.element.append(title);
    const list = document.createElement('ul');
    list.className = 'storey-list';
    const item = (label, detail, gid) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.dataset.storey = gid ?? '';
      button.className = (gid ?? null) === this.current ? 'active' : '';
      button.innerHTML = '<span class="name"></span><span class="detail"></span>';
      button.querySelector('.name').textContent = label;
      button.querySelector('.detail').textContent = detail;
      button.addEventListener('click', () => this.isolate(gid ?? null));
      li.append(button);
      list.append(li);
    };
    item(t('allStoreys'), '', null);
    for (const storey of [...this.storeys].reverse()) {
      item(storey.name, `${t('elevation', { m: fmtNumber(storey.elevation_m, 2) })} · ${t('roomsCount', { n: fmtNumber(storey.spaces) })}`, storey.global_id);
    }
    this.element.append(list);
    if (this.current !== null && this.onPlan) {
      // The isolated storey's printable plan, in the current colour mode.
      const plan = document.createElement('button');
      plan.type = 'button';
      plan.className = 'floor-plan';
      plan.textContent = t('floorPlan');
      const gid = this.current;
      plan.addEventListener('click', () => this.onPlan(gid));
      this.element.append(plan);
    }
  }

  /** Show one storey (cut at its ceiling) or, with null, all of them. */
  isolate(gid, { fit = true } = {}) {
    this.current = gid;
    const viewer = this.viewer;
    for (const [id, group] of viewer.storeys) group.visible = gid === null || id === gid;
    if (gid === null) {
      viewer.setCut(null);
    } else {
      viewer.setCut(this.ceilingOf(gid));
    }
    if (fit) viewer.fit();
    viewer.requestRender();
    this.render();
    this.onChange(gid);
  }

  /** Scene height of the cut for a storey: just under the next floor, else its top. */
  ceilingOf(gid) {
    const index = this.storeys.findIndex((s) => s.global_id === gid);
    const next = this.storeys[index + 1];
    const group = this.viewer.storeys.get(gid);
    const top = group ? this.viewer.boxOf([group]).max.y : Infinity;
    if (next) return Math.min(next.elevation_m - CUT_BELOW_NEXT_FLOOR_M, top + 0.01);
    return top + 0.01;
  }

  visible() {
    return [...this.viewer.storeys].filter(([, g]) => g.visible).map(([id]) => id);
  }
}
