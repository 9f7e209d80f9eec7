// The viewer's entry point: wires the API, the 3D scene and the panels together
// and exposes a small test hook on `window.twinViewer`.

import * as THREE from 'three';
import './style.css';
import { AlarmList } from './alarms.js';
import { api, apiKey, health, setApiKey } from './api.js';
import { Colours, MODES } from './colours.js';
import { subscribe } from './live.js';
import { Panel } from './panels.js';
import { Picker } from './picking.js';
import { RoutePanel } from './routes.js';
import { Viewer3D, modelToScene } from './scene.js';
import { Search } from './search.js';
import { StoreyList } from './storeys.js';
import { t } from './strings.js';

const $ = (id) => document.getElementById(id);
/** Minimum size (m) of the box framed around a selection. */
const MIN_FRAME_M = 12;
const READY_POLL_MS = 1000;

const hook = {
  ready: false,
  error: null,
  buildingId: null,
  roomCount: 0,
  equipmentCount: 0,
  firstRenderMs: null,
  timings: {},
  selected: null,
  live: false,
};
window.twinViewer = hook;

const stage = $('stage');
const viewer = new Viewer3D(stage);
const colours = new Colours(viewer, $('legend'));
let state = null; // per-building parts

function progress(text, fraction) {
  const box = $('progress');
  box.hidden = text === null;
  if (text === null) return;
  box.querySelector('.label').textContent = text;
  box.querySelector('.fill').style.width = fraction == null ? '100%' : `${Math.round(fraction * 100)}%`;
  box.classList.toggle('indeterminate', fraction == null);
}

function message(text, isError = true) {
  const box = $('message');
  box.hidden = !text;
  box.textContent = text || '';
  box.classList.toggle('error', isError);
}

function setupChrome() {
  document.title = t('appTitle');
  $('app-title').textContent = t('appTitle');
  $('fit-btn').textContent = t('fit');
  $('fit-btn').title = t('fitTitle');
  $('fit-btn').addEventListener('click', () => frameSelection());
  const keyButton = $('key-btn');
  const label = () => (keyButton.textContent = apiKey() ? t('apiKeySet') : t('apiKey'));
  label();
  keyButton.addEventListener('click', () => {
    const key = window.prompt(t('apiKeyPrompt'), apiKey());
    if (key === null) return;
    setApiKey(key.trim());
    label();
    start();
  });
  $('colour-mode-label').querySelector('span').textContent = t('colourMode');
  const modeSelect = $('colour-mode');
  const names = { live: 'modeLive', compliance: 'modeCompliance', department: 'modeDepartment', type: 'modeRoomType' };
  modeSelect.innerHTML = MODES.map((m) => `<option value="${m}">${t(names[m])}</option>`).join('');
  modeSelect.addEventListener('change', () => colours.setMode(modeSelect.value));
  $('building-picker').addEventListener('change', (e) => {
    const url = new URL(location.href);
    url.searchParams.set('building', e.target.value);
    history.replaceState(null, '', url);
    openBuilding(e.target.value);
  });
}

/** Pick the building (URL ?building=, else the first) and open it. */
async function start() {
  message(null);
  progress(t('loadingBuilding'), null);
  let buildings;
  try {
    buildings = await api.buildings();
  } catch (error) {
    progress(null);
    message(t('requestFailed', { what: t('building'), reason: error.message }));
    hook.error = error.message;
    return;
  }
  if (!buildings.length) {
    progress(null);
    message(t('noBuildings'), false);
    return;
  }
  const picker = $('building-picker');
  picker.innerHTML = buildings.map((b) => `<option value="${b.id}"></option>`).join('');
  picker.querySelectorAll('option').forEach((o, i) => (o.textContent = buildings[i].name || buildings[i].id));
  picker.hidden = buildings.length < 2;
  const wanted = new URL(location.href).searchParams.get('building');
  const id = buildings.some((b) => b.id === wanted) ? wanted : buildings[0].id;
  picker.value = id;
  await openBuilding(id);
}

async function waitUntilReady(id) {
  for (;;) {
    let status = 'ready';
    try {
      const info = await health();
      status = info.buildings?.[id] ?? 'ready';
    } catch {
      status = 'ready';
    }
    if (status === 'ready') return;
    if (status === 'failed') throw new Error(t('buildingNotReady', { id, status }));
    progress(t('buildingNotReady', { id, status }), null);
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
}

async function openBuilding(id) {
  state?.stopLive?.();
  hook.ready = false;
  hook.buildingId = id;
  hook.firstRenderMs = null;
  const t0 = performance.now();
  try {
    await waitUntilReady(id);
    const [buffer, storeys, spaces] = await Promise.all([
      api.sceneGlb(id, (loaded, total) => progress(
        total ? t('loadingModel', { pct: `${Math.round((100 * loaded) / total)} %` }) : t('loadingModelBytes', { mb: (loaded / 1e6).toFixed(1) }),
        total ? loaded / total : null,
      )),
      api.storeys(id),
      api.spaces(id),
    ]);
    hook.timings.downloadMs = performance.now() - t0;
    progress(t('preparingModel'), null);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let the label paint
    const t1 = performance.now();
    const firstRender = new Promise((resolve) => (viewer.onFirstRender = resolve));
    await viewer.load(buffer);
    hook.timings.parseMs = performance.now() - t1;
    Object.assign(hook.timings, viewer.timings);
    buildParts(id, storeys, spaces);
    colours.apply();
    viewer.requestRender();
    await firstRender;
    hook.firstRenderMs = performance.now();
    hook.timings.firstRenderSinceOpenMs = performance.now() - t0;
    progress(null);
    hook.roomCount = viewer.rooms.length;
    hook.equipmentCount = viewer.equipment.length;
    hook.ready = true;
    loadLiveData(id);
  } catch (error) {
    progress(null);
    message(t('modelFailed', { reason: error.message }));
    hook.error = error.message;
  }
}

/** Viewer colour mode → the plan's colour mode (department labels come with occupancy). */
const PLAN_COLOURS = { live: 'live', compliance: 'compliance', department: 'occupancy', type: 'type' };

/** Open a storey's floor plan (SVG, fetched with the API key) in a new tab. */
async function openPlan(buildingId, storeyGid) {
  const tab = window.open('', '_blank');
  try {
    const blob = await api.plan(buildingId, storeyGid, 'svg', PLAN_COLOURS[colours.mode] || 'type');
    const url = URL.createObjectURL(blob);
    if (tab) tab.location.href = url;
    else window.location.assign(url);
  } catch (error) {
    if (tab) tab.close();
    message(t('floorPlanFailed', { reason: error.message }));
  }
}

function buildParts(id, storeys, spaces) {
  colours.roomType = new Map(spaces.map((s) => [s.global_id, s.room_type]));
  colours.department = new Map();
  colours.compliance = new Map();
  colours.status = new Map();
  const storeyList = new StoreyList($('storeys'), viewer, {
    onChange: () => updateHook(),
    onPlan: (gid) => openPlan(id, gid),
  });
  storeyList.setStoreys(storeys);
  const alarms = new AlarmList($('alarms'), {
    buildingId: id,
    onSelect: (alarm, route) => {
      if (alarm.global_id) select(alarm.global_id, { frame: true });
      if (route) {
        state.routes.setTo(`alarm:${alarm.id}`);
        if (state.routes.fromInput.value) state.routes.find();
        else state.routes.fromInput.focus();
      }
    },
  });
  const panel = new Panel($('panel'), {
    buildingId: id,
    onRouteTo: (gid) => {
      state.routes.setTo(gid);
      if (state.routes.fromInput.value) state.routes.find();
    },
    onRouteFrom: (gid) => state.routes.setFrom(gid),
    onAcknowledged: () => alarms.load(),
    alarmsFor: (gid) => alarms.forElement(gid),
  });
  panel.onSelect = (gid) => select(gid, { frame: true });
  const routes = new RoutePanel($('route'), viewer, {
    buildingId: id,
    selection: () => hook.selected,
    onRoute: () => updateHook(),
  });
  const search = new Search($('search'), $('search-results'), {
    buildingId: id,
    onSelect: (gid) => select(gid, { frame: true }),
  });
  state = { id, storeyList, alarms, panel, routes, search, spaces, outline: null };
  alarms.render();
  updateHook();
}

async function loadLiveData(id) {
  const [devices, , compliance] = await Promise.allSettled([
    api.devices(id),
    state.alarms.load(),
    api.compliance(id),
  ]);
  if (state?.id !== id) return;
  if (devices.status === 'fulfilled') {
    for (const d of devices.value) if (d.global_id) colours.status.set(d.global_id, d.status);
  }
  if (compliance.status === 'fulfilled') {
    const report = compliance.value;
    for (const room of report.rooms || []) colours.compliance.set(room.global_id, room.status);
    for (const person of report.persons || []) {
      if (person.global_id && person.department) colours.department.set(person.global_id, person.department);
    }
    colours.note = '';
  } else {
    colours.note = t('complianceMissing');
  }
  colours.apply();
  state.stopLive = subscribe(id, onLiveEvent, (connected) => {
    hook.live = connected;
    document.body.classList.toggle('offline', !connected);
  });
}

function onLiveEvent(kind, data) {
  if (!state) return;
  if ((kind === 'status' || kind === 'state') && data.global_id) {
    colours.setStatus(data.global_id, data.status);
    state.panel.refreshIf(data.global_id);
  } else if (kind === 'alarm') {
    state.alarms.update(data);
    if (data.global_id) state.panel.refreshIf(data.global_id);
  } else if (kind === 'reading' && data.global_id) {
    state.panel.refreshIf(data.global_id);
  } else if (kind === 'reset') {
    // Events were lost while disconnected: refetch the live state.
    refetchLiveState(state.id);
  }
}

async function refetchLiveState(id) {
  const [devices] = await Promise.allSettled([api.devices(id), state.alarms.load()]);
  if (state?.id !== id || devices.status !== 'fulfilled') return;
  for (const d of devices.value) if (d.global_id) colours.setStatus(d.global_id, d.status);
  state.alarms.render();
}

/** Select an element by GlobalId: outline it, show its panel, optionally frame it. */
function select(gid, { frame = false } = {}) {
  const object = gid ? viewer.objects.get(gid) : null;
  if (state.outline) {
    viewer.overlay.remove(state.outline);
    state.outline.geometry.dispose();
    state.outline = null;
  }
  hook.selected = object ? gid : null;
  if (object) {
    const storey = object.storey;
    if (storey && !viewer.shown(object)) state.storeyList.isolate(storey, { fit: false });
    state.outline = new THREE.Box3Helper(object.box, 0xffc400);
    state.outline.material.depthTest = false;
    state.outline.renderOrder = 11;
    viewer.overlay.add(state.outline);
    if (frame) frameSelection();
  }
  state.panel.show(object);
  viewer.requestRender();
}

function frameSelection() {
  const object = hook.selected && viewer.objects.get(hook.selected);
  if (!object) return viewer.fit();
  const box = object.box.clone();
  const centre = box.getCenter(new THREE.Vector3());
  box.expandByVector(new THREE.Vector3(1, 0, 1).multiplyScalar(MIN_FRAME_M / 2));
  box.expandByPoint(centre);
  viewer.fit(box);
}

function updateHook() {
  hook.currentStorey = state ? state.storeyList.current : null;
}

// --- the test hook -----------------------------------------------------------
Object.assign(hook, {
  /**
   * Page coordinates (CSS px) of an element's centre; for a room, the centre of
   * its floor (what a user sees of a room in the cut view of its storey).
   */
  projectToScreen(gid) {
    const object = viewer.objects.get(gid);
    if (!object) return null;
    const centre = object.box.getCenter(new THREE.Vector3());
    if (object.kind === 'room') centre.y = object.box.min.y + 0.05;
    return viewer.toScreen(centre);
  },
  projectModelPoint(point) {
    return viewer.toScreen(modelToScene(point));
  },
  colourOf(gid) {
    return viewer.objects.get(gid)?.colour ?? null;
  },
  roomIds() {
    return viewer.rooms.map((r) => r.global_id);
  },
  equipmentIds() {
    return viewer.equipment.map((r) => r.global_id);
  },
  isolate(gid) {
    state.storeyList.isolate(gid);
  },
  select(gid, frame = true) {
    select(gid, { frame });
  },
  routeSegments() {
    return state ? state.routes.lines.children.length : 0;
  },
  renderCount() {
    return viewer.rendered;
  },
  sceneStats() {
    const info = viewer.renderer.info;
    return { calls: info.render.calls, triangles: info.render.triangles, geometries: info.memory.geometries };
  },
});
Object.defineProperty(hook, 'visibleStoreys', { get: () => (state ? state.storeyList.visible() : []), configurable: true });
Object.defineProperty(hook, 'routeLength', { get: () => (state ? state.routes.length : null), configurable: true });

new Picker(viewer, (record) => select(record ? record.global_id : null));
setupChrome();
start();
