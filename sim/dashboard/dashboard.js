// The simulator's dashboard: every station live from /api/events, one page of them at a time
// (so a thousand stations cost no more to draw than fifty), a selected station's connectors
// with buttons for every control command, its last OCPP frames and log lines. Plain DOM, no
// build step; everything shown is put in with textContent, never as HTML.
const PAGE_SIZE = 50;
/** Power samples kept per connector for its chart (one a second while watched). */
const HISTORY = 120;
const FRAMES_SHOWN = 50;
const LOG_SHOWN = 100;
const TOKEN_KEY = 'ocpp-sim-token';

const $ = (id) => document.getElementById(id);
const stations = new Map(); // id → station (GET /api/stations shape)
let order = []; // ids, natural order
let shown = []; // ids on the current page
let page = 0;
let filter = '';
let selected = null;
let token = sessionStorage.getItem(TOKEN_KEY) || '';
let events = null;
const history = new Map(); // "id/connector" → [powerW…]
const dirtyRows = new Set();
let listDirty = true;
let detailDirty = false;
let frameQueue = [];
let renderScheduled = false;
/** Figures for the browser test and for whoever measures the page. */
const stats = (window.dashboardStats = { renders: 0, lastRenderMs: 0, maxRenderMs: 0, events: 0, updates: 0 });

const collator = new Intl.Collator(undefined, { numeric: true });

// ---- the API ---------------------------------------------------------------------------

async function api(method, path, body) {
  const headers = {};
  if (token) headers.authorization = 'Bearer ' + token;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({ ok: false, error: 'HTTP ' + res.status }));
  if (res.status === 401) askToken(data.error);
  return { status: res.status, data };
}

async function command(id, name, body = {}) {
  const { status, data } = await api('POST', `/api/stations/${encodeURIComponent(id)}/${name}`, body);
  const text = data.ok ? `${name}: done${data.connectorId ? ' (connector ' + data.connectorId + ')' : ''}` : `${name}: ${data.error} (${status})`;
  const result = $('result');
  result.textContent = text;
  result.className = data.ok ? 'muted' : 'error';
  if (data.station) upsert(data.station);
  return data;
}

function askToken(why) {
  $('token-form').hidden = false;
  $('link').textContent = why || 'token needed';
  $('link').className = 'pill off';
  $('token').focus();
}

// ---- the events stream -----------------------------------------------------------------------

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? '?token=' + encodeURIComponent(token) : '';
  const ws = new WebSocket(`${scheme}//${location.host}/api/events${query}`);
  events = ws;
  ws.onopen = () => {
    $('link').textContent = 'live';
    $('link').className = 'pill on';
    subscribe();
  };
  ws.onmessage = (m) => {
    stats.events++;
    receive(JSON.parse(m.data));
  };
  ws.onclose = () => {
    if (events !== ws) return;
    events = null;
    $('link').textContent = 'disconnected, retrying…';
    $('link').className = 'pill off';
    // A refused token closes the socket too: ask the API, which says 401 plainly.
    setTimeout(() => api('GET', '/api/stations').then((r) => r.status === 200 && connect()), 1000);
  };
}

/** Frames and log lines only of the selected station: with many stations the rest would flood. */
function subscribe() {
  if (!events || events.readyState !== WebSocket.OPEN) return;
  const which = selected ? [selected] : 'none';
  events.send(JSON.stringify({ frames: which, logs: which }));
}

function receive(e) {
  if (e.type === 'state') {
    stations.clear();
    for (const s of e.stations) {
      stations.set(s.id, s);
      remember(s);
    }
    reorder();
  } else if (e.type === 'station') {
    upsert(e.station);
  } else if (e.type === 'stations') {
    for (const s of e.stations) upsert(s);
  } else if (e.type === 'removed') {
    stations.delete(e.id);
    if (selected === e.id) select(null);
    reorder();
  } else if (e.type === 'frame' && e.station === selected) {
    frameQueue.push(e);
    detailDirty = true;
  } else if (e.type === 'log' && e.station === selected) {
    appendLog(e);
  }
  schedule();
}

function upsert(s) {
  stats.updates++;
  const known = stations.has(s.id);
  stations.set(s.id, s);
  remember(s);
  if (!known) reorder();
  else if (shown.includes(s.id)) dirtyRows.add(s.id);
  if (s.id === selected) detailDirty = true;
  schedule();
}

function remember(s) {
  for (const c of s.connectors) {
    const key = s.id + '/' + c.id;
    let h = history.get(key);
    if (!h) history.set(key, (h = []));
    h.push(c.powerW || 0);
    if (h.length > HISTORY) h.shift();
  }
}

function reorder() {
  order = [...stations.keys()].sort(collator.compare);
  listDirty = true;
  schedule();
}

// ---- drawing -----------------------------------------------------------------------------------

function schedule() {
  if (renderScheduled) return;
  renderScheduled = true;
  requestAnimationFrame(render);
}

function render() {
  renderScheduled = false;
  const t0 = performance.now();
  if (listDirty) renderList();
  else for (const id of dirtyRows) replaceRow(id);
  dirtyRows.clear();
  listDirty = false;
  if (detailDirty) renderDetail();
  detailDirty = false;
  renderSummary();
  const ms = performance.now() - t0;
  stats.renders++;
  stats.lastRenderMs = ms;
  stats.maxRenderMs = Math.max(stats.maxRenderMs, ms);
}

function matches(s) {
  if (!filter) return true;
  if (s.id.toLowerCase().includes(filter) || String(s.registration).toLowerCase().includes(filter)) return true;
  return s.connectors.some((c) => String(c.status).toLowerCase().includes(filter) || (c.idTag && c.idTag.toLowerCase().includes(filter)));
}

function renderList() {
  const visible = filter ? order.filter((id) => matches(stations.get(id))) : order;
  const pages = Math.max(1, Math.ceil(visible.length / PAGE_SIZE));
  page = Math.min(page, pages - 1);
  shown = visible.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  const rows = $('rows');
  rowOf.clear();
  rows.replaceChildren(...shown.map((id) => row(stations.get(id))));
  $('page-info').textContent = visible.length ? `${page * PAGE_SIZE + 1}–${page * PAGE_SIZE + shown.length} of ${visible.length}` : '0';
  $('prev').disabled = page === 0;
  $('next').disabled = page >= pages - 1;
  $('empty').hidden = visible.length > 0;
}

function renderSummary() {
  let charging = 0;
  let online = 0;
  let faulted = 0;
  for (const s of stations.values()) {
    if (s.connected) online++;
    for (const c of s.connectors) {
      if (c.charging) charging++; // 1.6's status Charging, 2.0.1's transaction in chargingState Charging
      else if (c.status === 'Faulted') faulted++;
    }
  }
  $('summary').textContent = `${stations.size} station(s), ${online} connected, ${charging} charging` + (faulted ? `, ${faulted} faulted` : '');
}

/** The rows of the current page, by station id: updated in place (a new canvas costs a lot). */
const rowOf = new Map();

function replaceRow(id) {
  const tr = rowOf.get(id);
  const s = stations.get(id);
  if (!tr || !s) return;
  if (tr.querySelectorAll('.chip').length !== s.connectors.length) {
    const fresh = row(s);
    tr.replaceWith(fresh);
    return;
  }
  fill(tr, s);
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function row(s) {
  const tr = el('tr');
  tr.dataset.id = s.id;
  tr.onclick = () => select(s.id);
  const cons = el('td', 'connectors');
  for (const c of s.connectors) {
    const chip = el('span', 'chip');
    chip.dataset.connector = String(c.id);
    const canvas = el('canvas', 'spark');
    canvas.width = 64;
    canvas.height = 18;
    chip.append(el('b', '', String(c.id)), el('span', 'chip-status'), el('span', 'chip-figures'), canvas);
    cons.append(chip);
  }
  tr.append(el('td', 'station-id'), el('td', 'link'), cons);
  rowOf.set(s.id, tr);
  fill(tr, s);
  return tr;
}

/** Puts a station's state into its row. */
function fill(tr, s) {
  tr.className = s.id === selected ? 'selected' : '';
  const [name, link] = tr.children;
  const badges = [el('strong', '', s.id)];
  if (s.power === 'off') badges.push(el('span', 'pill off', 'power off'));
  if (s.network === 'down') badges.push(el('span', 'pill off', 'network down'));
  if (s.exit) badges.push(el('span', 'pill off', 'exit ' + s.exit.code));
  name.replaceChildren(...badges);
  const linkText = (s.connected ? 'connected' : 'offline') + '|' + s.registration;
  if (link.dataset.text !== linkText) {
    link.dataset.text = linkText;
    link.replaceChildren(el('span', 'pill ' + (s.connected ? 'on' : 'off'), s.connected ? 'connected' : 'offline'));
    if (s.registration) link.append(el('span', 'pill reg-' + s.registration, s.registration));
  }
  const chips = tr.querySelectorAll('.chip');
  s.connectors.forEach((c, i) => {
    const chip = chips[i];
    chip.className = 'chip status-' + (c.status || 'off');
    chip.children[1].textContent = c.status || '—';
    const parts = [];
    if (c.transactionId !== null && c.transactionId !== undefined) parts.push('tx ' + c.transactionId);
    if (c.idTag) parts.push(c.idTag);
    parts.push(kwh(c.energyWh), kw(c.powerW));
    chip.children[2].textContent = parts.join(' · ');
    drawChart(chip.children[3], history.get(s.id + '/' + c.id) || []);
  });
}

const kwh = (wh) => (wh / 1000).toFixed(2) + ' kWh';
const kw = (w) => (w / 1000).toFixed(1) + ' kW';

function drawChart(canvas, values) {
  const g = canvas.getContext('2d');
  const w = canvas.width;
  const h = canvas.height;
  g.clearRect(0, 0, w, h);
  if (values.length < 2) return;
  const max = Math.max(1000, ...values);
  g.strokeStyle = '#1a7f37';
  g.lineWidth = 1.5;
  g.beginPath();
  const n = Math.min(values.length, HISTORY);
  const from = values.length - n;
  for (let i = 0; i < n; i++) {
    const x = (i / (HISTORY - 1)) * (w - 2) + 1 + (w - 2) * (1 - (n - 1) / (HISTORY - 1));
    const y = h - 1 - (values[from + i] / max) * (h - 3);
    if (i === 0) g.moveTo(x, y);
    else g.lineTo(x, y);
  }
  g.stroke();
}

// ---- the selected station -----------------------------------------------------------------------

async function select(id) {
  if (selected === id) return;
  selected = id;
  frameQueue = [];
  $('frames').replaceChildren();
  $('log').replaceChildren();
  $('connectors').replaceChildren();
  $('card-connectors').replaceChildren();
  $('result').textContent = '';
  $('detail').hidden = !id;
  $('no-selection').hidden = !!id;
  for (const [rowId, tr] of rowOf) tr.className = rowId === id ? 'selected' : '';
  subscribe();
  if (!id) return;
  detailDirty = true;
  schedule();
  const { status, data } = await api('GET', `/api/stations/${encodeURIComponent(id)}/frames`);
  if (status === 200 && selected === id) {
    // Frames that arrived on the stream meanwhile come after these.
    frameQueue = data.concat(frameQueue.filter((f) => !data.length || f.time > data[data.length - 1].time));
    detailDirty = true;
    schedule();
  }
}

function renderDetail() {
  const s = stations.get(selected);
  if (!s) return;
  $('detail-id').textContent = s.id;
  $('detail-state').textContent =
    `${s.power === 'on' ? 'powered' : 'power off'} · network ${s.network} · ${s.connected ? 'connected' : 'offline'}` +
    (s.registration ? ' · ' + s.registration : '') + (s.exit ? ` · ended (exit ${s.exit.code}: ${s.exit.reason})` : '') +
    ` · heap peak ${Math.round(s.heap / 1024)} KB`;
  $('power').textContent = s.power === 'on' ? 'Power off' : 'Power on';
  $('network').textContent = s.network === 'up' ? 'Cut network' : 'Restore network';
  const box = $('connectors');
  if (box.children.length !== s.connectors.length) {
    box.replaceChildren(...s.connectors.map((c) => connectorCard(c.id)));
    $('card-connectors').replaceChildren(
      ...s.connectors.map((c) => {
        const label = el('label', 'small');
        const check = el('input');
        check.type = 'checkbox';
        check.checked = true;
        check.value = String(c.id);
        label.append(check, document.createTextNode(' ' + c.id));
        return label;
      })
    );
  }
  for (const c of s.connectors) {
    const card = box.querySelector(`[data-connector="${c.id}"]`);
    card.querySelector('.status').textContent = c.status || '—';
    card.querySelector('.status').className = 'status pill status-' + (c.status || 'off');
    card.querySelector('.tx').textContent = c.transactionId !== null && c.transactionId !== undefined ? `transaction ${c.transactionId} · ${c.idTag}` : c.idTag ? `authorized ${c.idTag}, waiting for the cable` : 'no transaction';
    card.querySelector('.figures').textContent =
      `${kwh(c.energyWh)} on the meter · ${kwh(c.sessionWh || 0)} this session · ${kw(c.powerW)}` +
      ` · cable ${c.plugged ? 'in' : 'out'}${c.locked ? ' (locked)' : ''} · EV ${c.plugged ? (c.evRequests ? 'asks for energy' : 'paused') : '—'}` +
      (c.socPercent !== null && c.socPercent !== undefined ? ` · SoC ${c.socPercent} %` : '') + (c.error !== 'NoError' ? ` · fault ${c.error}` : '');
    drawChart(card.querySelector('.chart'), history.get(s.id + '/' + c.id) || []);
  }
  if (frameQueue.length) {
    const list = $('frames');
    const items = frameQueue.splice(0).map(frameItem);
    list.prepend(...items.reverse());
    while (list.children.length > FRAMES_SHOWN) list.lastChild.remove();
  }
}

function connectorCard(id) {
  const card = $('connector-template').content.firstElementChild.cloneNode(true);
  card.dataset.connector = String(id);
  card.querySelector('.cid').textContent = 'Connector ' + id;
  for (const button of card.querySelectorAll('button[data-command]')) {
    button.onclick = () => connectorCommand(id, button.dataset.command, card);
  }
  return card;
}

function connectorCommand(connectorId, what, card) {
  const id = selected;
  switch (what) {
    case 'plug-in': {
      const ev = {};
      const current = card.querySelector('.ev-current').value;
      const soc = card.querySelector('.ev-soc').value;
      if (current) ev.maxCurrentA = Number(current);
      if (soc) ev.socPercent = Number(soc);
      return command(id, 'plug-in', Object.keys(ev).length ? { connectorId, ev } : { connectorId });
    }
    case 'unplug':
      return command(id, 'unplug', { connectorId });
    case 'unplug-ev':
      return command(id, 'unplug', { connectorId, evSide: true });
    case 'ev-pause':
      return command(id, 'ev-requests', { connectorId, value: false });
    case 'ev-resume':
      return command(id, 'ev-requests', { connectorId, value: true });
    case 'fault': {
      const body = { connectorId, errorCode: card.querySelector('.fault-code').value };
      const vendor = card.querySelector('.fault-vendor').value.trim();
      if (vendor) body.vendorErrorCode = vendor;
      return command(id, 'fault', body);
    }
    case 'clear-fault':
      return command(id, 'fault', { connectorId, errorCode: 'NoError' });
  }
}

/** One frame as an expandable line: direction, time, what it is; open, the JSON pretty-printed. */
function frameItem(f) {
  const li = el('li', f.direction);
  const details = el('details');
  let what = 'not JSON';
  let pretty = f.text;
  try {
    const m = JSON.parse(f.text);
    what = m[0] === 2 ? `CALL ${m[2]}` : m[0] === 3 ? 'CALLRESULT' : m[0] === 4 ? `CALLERROR ${m[2]}` : 'frame';
    what += ' ' + m[1];
    pretty = JSON.stringify(m, null, 2);
  } catch {
    // shown as it came
  }
  const time = new Date(f.time).toISOString().slice(11, 23);
  details.append(el('summary', '', `${f.direction === 'sent' ? '→' : '←'} ${time} ${what}`), el('pre', '', pretty));
  li.append(details);
  return li;
}

function appendLog(e) {
  const list = $('log');
  const time = new Date(e.time).toISOString().slice(11, 23);
  list.append(el('li', e.level >= 40 ? 'error' : e.level >= 30 ? 'warning' : '', `${time} ${e.text}`));
  while (list.children.length > LOG_SHOWN) list.firstChild.remove();
}

// ---- controls -------------------------------------------------------------------------------------

$('filter').oninput = () => {
  filter = $('filter').value.trim().toLowerCase();
  page = 0;
  listDirty = true;
  schedule();
};
$('prev').onclick = () => {
  page = Math.max(0, page - 1);
  listDirty = true;
  schedule();
};
$('next').onclick = () => {
  page++;
  listDirty = true;
  schedule();
};
$('power').onclick = () => {
  const s = stations.get(selected);
  if (s) command(s.id, s.power === 'on' ? 'power-off' : 'power-on');
};
$('network').onclick = () => {
  const s = stations.get(selected);
  if (s) command(s.id, 'network', { up: s.network !== 'up' });
};
$('remove').onclick = async () => {
  const id = selected;
  if (!id || !confirm(`Remove station ${id}? (Its files stay.)`)) return;
  const { data } = await api('DELETE', `/api/stations/${encodeURIComponent(id)}`);
  if (!data.ok) $('result').textContent = data.error;
};
$('card-form').onsubmit = (e) => {
  e.preventDefault();
  const ids = [...document.querySelectorAll('#card-connectors input:checked')].map((c) => Number(c.value));
  const body = { idTag: $('card-tag').value.trim() };
  if (ids.length) body.connectorIds = ids;
  command(selected, 'present-id-tag', body);
};
$('add-form').onsubmit = async (e) => {
  e.preventDefault();
  const { data } = await api('POST', '/api/stations', { count: Number($('add-count').value) || 1 });
  $('result').textContent = data.ok ? `added ${data.stations.join(', ')}` : data.error;
};
$('token-form').onsubmit = (e) => {
  e.preventDefault();
  token = $('token').value;
  sessionStorage.setItem(TOKEN_KEY, token);
  $('token-form').hidden = true;
  start();
};

async function start() {
  const { status } = await api('GET', '/api/stations');
  if (status === 200) connect();
}

start();
