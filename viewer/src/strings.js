// Every UI string of the viewer, in one place. A full Chinese translation is
// one more table here (or a file imported here): `t()` looks a key up in the
// active locale first, then in English. The compliance view shows English and
// Chinese side by side (`bi()`), because its users are Chinese housing staff.

const en = {
  appTitle: 'BIM facility twin',
  building: 'Building',
  noBuildings: 'The service holds no building yet. Register one with `twin ingest FILE --name ID`.',
  buildingNotReady: 'Building "{id}" is {status}; retrying…',
  searchPlaceholder: 'Search room, name, device, GlobalId…',
  searchNone: 'Nothing found',
  colourMode: 'Colours',
  fit: 'Fit',
  fitTitle: 'Fit the view to the selection (or the whole model)',
  apiKey: 'API key',
  apiKeySet: 'API key ✓',
  apiKeyPrompt: 'API key for this service (kept for this browser tab only; empty to clear):',
  apiKeyNeeded: 'This service needs an API key: click "API key".',
  forbidden: 'Your API key may not do this.',
  loadingBuilding: 'Loading building…',
  loadingModel: 'Loading 3D model… {pct}',
  loadingModelBytes: 'Loading 3D model… {mb} MB',
  preparingModel: 'Preparing the model…',
  modelFailed: 'The 3D model could not be loaded: {reason}',
  requestFailed: '{what} failed: {reason}',
  storeys: 'Storeys',
  allStoreys: 'All storeys',
  floorPlan: 'Floor plan 平面图',
  floorPlanFailed: 'The floor plan could not be drawn: {reason}',
  roomsCount: '{n} rooms',
  elevation: '{m} m',
  // panel
  nothingSelected: 'Click a room or a piece of equipment to inspect it.',
  room: 'Room',
  roomNumber: 'Number',
  roomName: 'Name',
  storey: 'Storey',
  usableArea: 'Usable area',
  areaSource: 'source: {src}',
  roomType: 'Type',
  department: 'Department',
  occupants: 'Occupants',
  occupantCount: '{n} occupant(s)',
  occupantsHidden: '{n} occupant(s) (names hidden for your role)',
  noOccupants: 'none',
  compliance: 'Compliance',
  limit: 'Limit',
  excess: 'Excess',
  equipmentInRoom: 'Equipment',
  equipment: 'Equipment',
  ifcClass: 'Class',
  name: 'Name',
  tag: 'Tag',
  deviceId: 'Device',
  noDevice: 'no device bound',
  liveState: 'Live state',
  status: 'Status',
  point: 'Point',
  value: 'Value',
  history: 'Recent history',
  noHistory: 'no history yet',
  openAlarms: 'Open alarms',
  noOpenAlarms: 'No open alarms',
  acknowledge: 'Acknowledge',
  acknowledged: 'acknowledged',
  routeHere: 'Route here',
  routeFromHere: 'Route from here',
  element: 'Element',
  globalId: 'GlobalId',
  // colour modes
  modeLive: 'Live status',
  modeCompliance: 'Compliance 合规',
  modeDepartment: 'Department',
  modeRoomType: 'Room type',
  statusNormal: 'normal',
  statusWarning: 'warning',
  statusAlarm: 'alarm',
  statusOffline: 'offline',
  statusNoDevice: 'no device',
  complianceWithin: 'Within standard',
  complianceOver: 'Over standard',
  complianceVacant: 'Vacant',
  complianceNotOffice: 'Not an office',
  complianceUnknown: 'No allocation data',
  complianceMissing: 'No allocations are stored for this building: nothing to check.',
  unknownDepartment: 'no department',
  unknownType: 'unknown type',
  legend: 'Legend',
  // routes
  route: 'Route',
  routeFrom: 'From',
  routeTo: 'To',
  routeFromPlaceholder: 'room, entrance (outside)…',
  routeToPlaceholder: 'room, device, alarm:ID…',
  useSelection: 'use selection',
  noStairs: 'No stairs',
  avoidRestricted: 'Avoid restricted rooms',
  findRoute: 'Find route',
  clearRoute: 'Clear',
  roundOpenAlarms: 'Maintenance round over open alarms',
  routeLength: '{m} m',
  routeSummary: '{m} m · {min} min walk · {steps} steps',
  roundSummary: 'Round: {legs} legs · {m} m · {min} min (unordered {naive} m)',
  routeNone: 'No route: {reason}',
  routeNeedsEnds: 'Choose a start and a target.',
  entrance: 'Entrance (outside)',
  // alarms
  alarms: 'Open alarms',
  alarmsNone: 'No open alarms',
  severityAlarm: 'alarm',
  severityWarning: 'warning',
  ago: '{t} ago',
  liveConnected: 'live',
  liveDisconnected: 'live updates lost, reconnecting…',
};

// Chinese labels shown beside the English ones in the compliance view.
const zh = {
  compliance: '面积合规',
  complianceWithin: '未超标',
  complianceOver: '超标',
  complianceVacant: '空置',
  complianceNotOffice: '非办公用房',
  complianceUnknown: '无配置数据',
  limit: '标准面积',
  excess: '超出面积',
  usableArea: '使用面积',
  occupants: '使用人',
  department: '部门',
  modeCompliance: '面积合规',
};

const locales = { en, zh };
let active = 'en';

/** Switch the UI language (falls back to English for missing keys). */
export function setLocale(name) {
  if (locales[name]) active = name;
}

/** The UI string `key` with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const table = locales[active];
  const text = (table && table[key]) ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/** English and Chinese side by side (the compliance view). */
export function bi(key, vars = {}) {
  const english = en[key] ? t(key, vars) : key;
  const chinese = zh[key];
  return chinese && !english.includes(chinese) ? `${english} ${chinese}` : english;
}
