// The viewer's entry point: wires the API, the 3D scene, the panels and the
// tools together and exposes a small test hook on `window.twinViewer`.

import * as THREE from 'three';
import './style.css';
import { AlarmList } from './alarms.js';
import { api, apiKey, health, setApiKey } from './api.js';
import { Colours, HEAT_SCALES, MODES } from './colours.js';
import { subscribe } from './live.js';
import { Panel } from './panels.js';
import { Picker } from './picking.js';
import { RoutePanel } from './routes.js';
import { Viewer3D, modelToScene, sceneToModel } from './scene.js';
import { Search } from './search.js';
import { StoreyList } from './storeys.js';
import { LOCALES, fmtArea, fmtNumber, preferredLocale, setLocale, t } from './strings.js';

setLocale(preferredLocale());

/** @type {(id: string) => any} */
const $ = (id) => document.getElementById(id);
/** Minimum size (m) of the box framed around a selection. */
const MIN_FRAME_M = 12;
const READY_POLL_MS = 1000;
/** A place belongs to a storey from this far below its floor (stairs landings), m. */
const HERE_BAND_M = 0.5;

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
/** @type {any} */ (window).twinViewer = hook;

const stage = $('view3d');
const viewer = new Viewer3D(stage);
const colours = new Colours(viewer, $('legend'));
let state = null; // per-building parts
const buildingNames = new Map();

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
  const lang = $('lang');
  lang.innerHTML = Object.entries(LOCALES).map(([code, { name }]) => `<option value="${code}">${name}</option>`).join('');
  lang.value = document.documentElement.lang;
  lang.title = t('language');
  lang.addEventListener('change', () => {
    // Every string and format changes: start again in the new language.
    setLocale(lang.value, { remember: true });
    location.reload();
  });
  $('plan-btn').textContent = t('plan2d');
  $('plan-btn').title = t('plan2dTitle');
  $('plan-btn').addEventListener('click', () => togglePlan());
  $('report-btn').textContent = t('complianceReport');
  $('report-btn').title = t('complianceReportTitle');
  $('report-btn').addEventListener('click', () => downloadReport());
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
  const names = {
    live: 'modeLive', compliance: 'modeCompliance', department: 'modeDepartment', type: 'modeRoomType',
    temperature: 'modeTemperature', co2: 'modeCo2', occupancy: 'modeOccupancy', energy: 'modeEnergy',
    meetings: 'modeMeetings',
  };
  modeSelect.innerHTML = MODES.map((m) => `<option value="${m}">${t(names[m])}</option>`).join('');
  modeSelect.addEventListener('change', () => setColourMode(modeSelect.value));
  $('building-picker').addEventListener('change', (e) => {
    const url = new URL(location.href);
    const { value } = /** @type {HTMLSelectElement} */ (e.target);
    url.searchParams.set('building', value);
    history.replaceState(null, '', url);
    openBuilding(value);
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
  for (const b of buildings) buildingNames.set(b.id, b.name || b.id);
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
  state?.tools?.removeSection();
  state?.cutBox?.remove();
  state?.tools?.setMeasure(null);
  state?.plan?.close();
  state?.meetings?.setActive(false);
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
    const t2 = performance.now();
    buildParts(id, storeys, spaces);
    colours.apply();
    hook.timings.partsMs = performance.now() - t2;
    viewer.requestRender();
    const t3 = performance.now();
    await firstRender;
    hook.firstRenderMs = performance.now();
    hook.timings.frameMs = hook.firstRenderMs - t3;
    await buildTools(id);
    hook.timings.firstRenderSinceOpenMs = performance.now() - t0;
    progress(null);
    hook.roomCount = viewer.rooms.length;
    hook.equipmentCount = viewer.equipment.length;
    hook.ready = true;
    loadLiveData(id);
    loadTreeNames(id);
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

/** Save the building's compliance report (XLSX, fetched with the key). */
async function downloadReport() {
  try {
    const blob = await api.complianceReport(state.id);
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `compliance-${state.id}.xlsx`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  } catch (error) {
    message(t('complianceReportFailed', { reason: error.message }));
  }
}

/** The storey the 2D plan shows: the isolated one, else the selection's, else none. */
function planStorey() {
  const gid = state.storeyList.current ?? viewer.element(hook.selected)?.storey ?? null;
  const index = state.storeys.findIndex((s) => s.global_id === gid);
  if (index < 0) return null;
  return { ...state.storeys[index], next_elevation_m: state.storeys[index + 1]?.elevation_m ?? null };
}

function togglePlan() {
  if (!state?.plan) return;
  if (state.plan.visible) state.plan.close();
  else showPlan();
}

function showPlan() {
  const storey = planStorey();
  if (state.plan.visible && storey && state.plan.storey?.global_id === storey.global_id) return;
  state.plan.show(storey, PLAN_COLOURS[colours.mode] || 'type');
  state.plan.setRoutes(state.routes.polylines);
  state.plan.setAlarms(alarmMarks());
}

/** "You are here": the walker's place on a route (model coordinates), else the route's
 * start, on the 2D plan, which follows it to its storey. */
function setHere(point) {
  hook.here = point;
  if (!state?.plan) return;
  state.plan.setHere(point);
  if (!point || !state.plan.visible) return;
  const index = state.storeys.findLastIndex((s, i) => i === 0 || s.elevation_m - HERE_BAND_M <= point[2]);
  const storey = state.storeys[index];
  if (storey && storey.global_id !== state.plan.storey?.global_id) {
    state.plan.show({ ...storey, next_elevation_m: state.storeys[index + 1]?.elevation_m ?? null }, PLAN_COLOURS[colours.mode] || 'type');
  }
}

/** Open alarms as plan marks: the element's centre in model coordinates. */
function alarmMarks() {
  return state.alarms.sorted().map((a) => {
    const record = viewer.element(a.global_id);
    if (!record) return null;
    return { global_id: a.global_id, severity: a.severity, point: sceneToModel(viewer.recordBox(record).getCenter(new THREE.Vector3())) };
  }).filter(Boolean);
}

async function setColourMode(mode) {
  colours.mode = mode;
  await state?.heat?.setQuantity(HEAT_SCALES[mode] ? mode : null);
  await state?.energy?.setOn(mode === 'energy');
  state?.meetings?.setActive(mode === 'meetings');
  colours.apply();
  if (state?.plan?.visible && state.plan.storey) state.plan.show(state.plan.storey, PLAN_COLOURS[mode] || 'type');
}

async function loadTreeNames(id) {
  try {
    const names = await api.elementNames(id);
    if (state?.id === id) state.tree.setNames(names);
  } catch (error) {
    if (state?.id === id) hook.treeNamesError = error.message;
  }
}

/** The current view as a viewpoint body (model coordinates, BCF style). */
function currentView() {
  return {
    ...viewer.cameraState(),
    selection: hook.selected ? [hook.selected] : [],
    storey_id: state.storeyList.current,
    clipping_planes: [...state.tools.clippingPlanes(), ...state.cutBox.clippingPlanes()],
  };
}

function openView(view) {
  if ((view.storey_id ?? null) !== state.storeyList.current) state.storeyList.isolate(view.storey_id ?? null, { fit: false });
  state.tools.setClippingPlanes(view.clipping_planes.filter((p) => p.axis));
  state.cutBox.setClippingPlanes(view.clipping_planes);
  select(view.selection[0] || null);
  viewer.setCameraState(view);
  hook.openedViewpoint = view.id;
}

function buildParts(id, storeys, spaces) {
  colours.roomType = new Map(spaces.map((s) => [s.global_id, s.room_type]));
  colours.department = new Map();
  colours.compliance = new Map();
  colours.status = new Map();
  const storeyList = new StoreyList($('storeys'), viewer, {
    onChange: () => {
      updateHook();
      if (state?.plan?.visible) showPlan();
    },
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
  const spaceNames = new Map(spaces.map((s) => [s.global_id, s.name]));
  const panel = new Panel($('panel'), {
    buildingId: id,
    complianceFor: (gid) => state.complianceRooms.get(gid),
    spaceName: (gid) => spaceNames.get(gid),
    onRouteTo: (gid) => {
      state.routes.setTo(gid);
      if (state.routes.fromInput.value) state.routes.find();
    },
    onRouteFrom: (gid) => {
      state.routes.setFrom(gid);
      // The chosen start room is where the user is, until a route says better.
      const record = viewer.element(gid);
      if (record?.kind === 'room') {
        const box = viewer.recordBox(record);
        setHere(sceneToModel(box.getCenter(new THREE.Vector3()).setY(box.min.y)));
      }
    },
    onAcknowledged: () => alarms.load(),
    alarmsFor: (gid) => alarms.forElement(gid),
  });
  panel.onSelect = (gid) => select(gid, { frame: true });
  const routes = new RoutePanel($('route'), viewer, {
    buildingId: id,
    openAlarms: () => alarms.sorted(),
    selection: () => hook.selected,
    onRoute: () => {
      updateHook();
      state?.plan?.setRoutes(state.routes.polylines);
      setHere(state.routes.polylines[0]?.[0] ?? null);
    },
    onWalk: (polyline) => {
      hook.walking = true;
      state.tools.walk(polyline, () => (hook.walking = false), setHere);
    },
  });
  const search = new Search($('search'), $('search-results'), {
    buildingId: id,
    onSelect: (gid) => select(gid, { frame: true }),
  });
  state = { id, storeyList, alarms, panel, routes, search, spaces, storeys, outline: null, highlight: null, complianceRooms: new Map() };
  colours.mode = $('colour-mode').value;
  alarms.render();
  updateHook();
}

/** The tools, the model tree, the 2D plan, heat maps and work orders: loaded (a
 * second chunk of the bundle) and made once the model is drawn, so the first
 * picture waits for none of them. */
async function buildTools(id) {
  const [{ ModelTree }, { PlanView }, { Tools }, { HeatTimeline }, { WorkOrderList }, { CutBox }, { EnergyHeat }, { MeetingPanel }] = await Promise.all([
    import('./tree.js'), import('./plan2d.js'), import('./tools.js'), import('./heat.js'), import('./workorders.js'),
    import('./cutbox.js'), import('./energyheat.js'), import('./meetings.js'),
  ]);
  if (state?.id !== id) return;
  const tree = new ModelTree($('tree'), viewer, {
    onSelect: (gid) => select(gid, { frame: true }),
    onIsolate: (gids, storey) => {
      if (storey !== state.storeyList.current) state.storeyList.isolate(storey, { fit: false });
      const box = new THREE.Box3();
      for (const gid of gids) {
        const record = viewer.element(gid);
        if (record) box.union(viewer.recordBox(record));
      }
      if (!box.isEmpty()) viewer.fit(box);
      if (gids.length === 1 || viewer.element(gids[0])?.kind === 'room') select(gids[0]);
      updateHook();
    },
    onVisibility: () => updateHook(),
  });
  const plan = new PlanView($('plan2d'), { buildingId: id, onSelect: (gid) => select(gid) });
  plan.close();
  const cutBox = new CutBox({ viewer });
  const tools = new Tools({
    bar: $('toolbar'), cube: $('navcube'), viewer, picker, buildingId: id,
    selection: () => hook.selected,
    onXray: (on) => (hook.xray = on),
    onRender: (bar) => cutBox.renderInto(bar),
  });
  cutBox.onChange = () => tools.render();
  const heat = new HeatTimeline($('timeline'), colours, { buildingId: id });
  const energy = new EnergyHeat($('timeline'), colours, { buildingId: id });
  const workOrders = new WorkOrderList($('work-orders'), { buildingId: id, currentView: () => currentView(), openView });
  const meetings = new MeetingPanel($('meetings'), colours, {
    buildingId: id,
    selection: () => hook.selected,
    onSelect: (gid) => select(gid, { frame: true }),
    onRoute: (route, gid) => state.routes.show(route, { from: 'outside', to: gid }),
    roomOf: (gid) => viewer.element(gid)?.room ?? null,
  });
  Object.assign(state, { tree, plan, tools, heat, workOrders, cutBox, energy, meetings });
  meetings.setActive(colours.mode === 'meetings');
  tree.build(buildingNames.get(id) || id, state.storeys, state.spaces);
}

async function loadLiveData(id) {
  const [devices, , compliance] = await Promise.allSettled([
    api.devices(id),
    state.alarms.load(),
    api.compliance(id),
    state.workOrders.load(),
    state.heat.setQuantity(HEAT_SCALES[colours.mode] ? colours.mode : null),
    state.energy.setOn(colours.mode === 'energy'),
  ]);
  if (state?.id !== id) return;
  if (devices.status === 'fulfilled') {
    for (const d of devices.value) if (d.global_id) colours.status.set(d.global_id, d.status);
  }
  if (compliance.status === 'fulfilled') {
    const report = compliance.value;
    for (const room of report.rooms) colours.compliance.set(room.global_id, room.status);
    state.complianceRooms = new Map(report.rooms.map((room) => [room.global_id, room]));
    for (const person of report.persons) {
      if (person.global_id && person.department) colours.department.set(person.global_id, person.department);
    }
    colours.note = '';
  } else {
    colours.note = compliance.reason?.status === 403 ? t('complianceForbidden') : t('complianceMissing');
  }
  $('report-btn').hidden = compliance.status !== 'fulfilled';
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
    if (state.plan?.visible) state.plan.setAlarms(alarmMarks());
  } else if (kind === 'reading') {
    if (data.global_id) state.panel.refreshIf(data.global_id);
    state.heat?.onReading();
    state.meetings?.onReading(data.global_id);
  } else if (kind === 'work_order') {
    clearTimeout(state.workOrderTimer);
    state.workOrderTimer = setTimeout(() => state.workOrders?.load(), 300);
  } else if (kind === 'booking') {
    state.meetings?.onEvent(kind);
  } else if (kind === 'reset') {
    // Events were lost while disconnected: refetch the live state.
    refetchLiveState(state.id);
    state.meetings?.onEvent(kind);
  }
}

async function refetchLiveState(id) {
  const [devices] = await Promise.allSettled([api.devices(id), state.alarms.load()]);
  if (state?.id !== id || devices.status !== 'fulfilled') return;
  for (const d of devices.value) if (d.global_id) colours.setStatus(d.global_id, d.status);
  state.alarms.render();
  // The tools' live parts too: plan alarm marks, the heat map, work orders.
  if (state.plan?.visible) state.plan.setAlarms(alarmMarks());
  state.heat?.onReading();
  state.workOrders?.load();
}

/** Select an element by GlobalId: outline it, show its panel, optionally frame it. */
function select(gid, { frame = false } = {}) {
  const object = viewer.element(gid);
  for (const key of ['outline', 'highlight']) {
    if (!state[key]) continue;
    viewer.overlay.remove(state[key]);
    state[key].geometry.dispose();
    state[key] = null;
  }
  hook.selected = object ? gid : null;
  if (object) {
    const storey = object.storey;
    if (storey && storey !== state.storeyList.current && !viewer.isVisible(object)) state.storeyList.isolate(storey, { fit: false });
    state.outline = new THREE.Box3Helper(viewer.recordBox(object), 0xffc400);
    state.outline.material.depthTest = false;
    state.outline.renderOrder = 11;
    viewer.overlay.add(state.outline);
    if (object.kind === 'element') {
      // Structure is merged: draw the selected element again, highlighted.
      const geometry = viewer.recordGeometry(object);
      state.highlight = new THREE.Mesh(geometry, new THREE.MeshBasicMaterial({ color: 0xffc400, transparent: true, opacity: 0.6, depthWrite: false }));
      state.highlight.renderOrder = 12;
      viewer.overlay.add(state.highlight);
    }
    if (frame) frameSelection();
  }
  if (viewer.xray) viewer.setXray(true, object ? [gid] : []);
  state.tree?.select(hook.selected);
  state.plan?.highlight(object?.kind === 'room' ? gid : null);
  if (state.plan?.visible && object && state.storeyList.current === null) showPlan();
  state.panel.show(object);
  state.meetings?.select(hook.selected);
  viewer.requestRender();
}

function frameSelection() {
  const object = viewer.element(hook.selected);
  if (!object) return viewer.fit();
  const box = viewer.recordBox(object).clone();
  const centre = box.getCenter(new THREE.Vector3());
  box.expandByVector(new THREE.Vector3(1, 0, 1).multiplyScalar(MIN_FRAME_M / 2));
  box.expandByPoint(centre);
  viewer.fit(box);
}

function updateHook() {
  hook.currentStorey = state ? state.storeyList.current : null;
  hook.hiddenCount = viewer.hidden.size;
}

// --- the test hook -----------------------------------------------------------
Object.assign(hook, {
  /** The UI's text and formats in its language (tests assert what a person reads). */
  t,
  fmtArea,
  fmtNumber,
  /**
   * Page coordinates (CSS px) of an element's centre; for a room, the centre of
   * its floor (what a user sees of a room in the cut view of its storey).
   */
  projectToScreen(gid) {
    const object = viewer.element(gid);
    if (!object) return null;
    const centre = viewer.recordBox(object).getCenter(new THREE.Vector3());
    if (object.kind === 'room') centre.y = object.box.min.y + 0.05;
    return viewer.toScreen(centre);
  },
  projectModelPoint(point) {
    return viewer.toScreen(modelToScene(point));
  },
  colourOf(gid) {
    return viewer.objects.get(gid)?.colour ?? null;
  },
  /** A bookable room's status in the meeting-room mode's time (null: not bookable). */
  meetingStatus(gid) {
    return state?.meetings ? state.meetings.statusOf(gid) : null;
  },
  /** How many times the meeting-room mode has loaded its rooms and bookings. */
  meetingLoads() {
    return state?.meetings ? state.meetings.loads : 0;
  },
  /** The time window the meeting-room colours show: [start, end] ISO, or null for now. */
  meetingWindow() {
    const shown = state?.meetings?.shown;
    return shown ? [shown.start.toISOString(), shown.end.toISOString()] : null;
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
  /** Rooms and equipment drawn now (storey shown, not hidden in the tree). */
  visibleObjects() {
    return [...viewer.objects.values()].filter((r) => viewer.isVisible(r)).map((r) => r.global_id);
  },
  camera() {
    return viewer.cameraState();
  },
  moving() {
    return viewer.moving || Boolean(state?.tools.walking);
  },
  cutBox() {
    return state?.cutBox?.state() ?? null;
  },
  measuredDistance() {
    return state ? state.tools.distance : null;
  },
  sceneStats() {
    const info = viewer.renderer.info;
    return { calls: info.render.calls, triangles: info.render.triangles, geometries: info.memory.geometries };
  },
});
Object.defineProperty(hook, 'visibleStoreys', { get: () => (state ? state.storeyList.visible() : []), configurable: true });
Object.defineProperty(hook, 'routeLength', { get: () => (state ? state.routes.length : null), configurable: true });

const picker = new Picker(viewer, (record) => select(record ? record.global_id : null));
setupChrome();
start();
