// Work orders of the building with their saved viewpoints (BCF style: camera
// and selection, the isolated storey, section planes): save the current view
// on an order, reopen a saved one.

import { api } from './api.js';
import { escapeHtml as h } from './colours.js';
import { alarmReason } from './messages.js';
import { fmtDateTime, t } from './strings.js';

const STATUS_KEYS = { open: 'statusOpen', in_progress: 'statusInProgress', done: 'statusDone' };

export class WorkOrderList {
  constructor(element, { buildingId, currentView, openView }) {
    this.element = element;
    this.buildingId = buildingId;
    this.currentView = currentView; // () => viewpoint body
    this.openView = openView; // viewpoint -> void
    /** @type {import('./api.js').Schemas['WorkOrderOut'][]} */
    this.orders = [];
    /** @type {Map<string, import('./api.js').Schemas['ViewpointOut'][]>} order id -> viewpoints */
    this.views = new Map();
    this.error = null;
  }

  async load() {
    try {
      this.orders = await api.workOrders(this.buildingId);
      const lists = await Promise.all(this.orders.map((o) => api.viewpoints(o.id)));
      this.views = new Map(this.orders.map((o, i) => [o.id, lists[i]]));
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    this.render();
  }

  render() {
    let html = `<h2>${h(t('workOrders'))} <span class="count">${this.orders.length}</span></h2>`;
    if (this.error) html += `<p class="error">${h(this.error)}</p>`;
    if (!this.orders.length && !this.error) html += `<p class="muted">${h(t('workOrdersNone'))}</p>`;
    html += `<ul class="plain work-orders">${this.orders.map((o) => {
      const views = this.views.get(o.id) || [];
      return `<li class="work-order" data-order="${h(o.id)}"><b data-field="title">${h(orderTitle(o))}</b> <span class="muted">${h(t(STATUS_KEYS[o.status] || 'statusOpen'))}</span>
        <button type="button" class="save-view" title="${h(t('saveViewpointTitle'))}">${h(t('saveViewpoint'))}</button>
        ${views.length ? `<ul class="plain viewpoints">${views.map((v) => `<li data-viewpoint="${h(v.id)}">${h(v.title || t('viewpoints'))} <span class="muted">${h(fmtDateTime(v.created_at))}</span>
          <button type="button" class="open-view">${h(t('openViewpoint'))}</button></li>`).join('')}</ul>` : ''}</li>`;
    }).join('')}</ul>`;
    this.element.innerHTML = html;
    this.element.querySelectorAll('li.work-order').forEach((li) => {
      const id = li.dataset.order;
      li.querySelector('.save-view').addEventListener('click', () => this.save(id));
      li.querySelectorAll('[data-viewpoint]').forEach((row) => row.querySelector('.open-view').addEventListener('click', () => {
        const view = (this.views.get(id) || []).find((v) => v.id === row.dataset.viewpoint);
        if (view) this.openView(view);
      }));
    });
  }

  async save(orderId) {
    const count = (this.views.get(orderId) || []).length;
    try {
      const saved = await api.saveViewpoint(orderId, { ...this.currentView(), title: t('viewpointTitle', { n: count + 1 }) });
      this.views.set(orderId, [...(this.views.get(orderId) || []), saved]);
      this.error = null;
    } catch (error) {
      this.error = error.message;
    }
    this.render();
  }
}

/** A work order's title in the UI language when it was made from an alarm's reason. */
function orderTitle(order) {
  if (!order.reason_code) return order.title;
  return `${order.device_id}: ${alarmReason({ ...order, reason: order.title })}`;
}
