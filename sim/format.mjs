// Readable one-line forms of OCPP-J messages and log lines, for `npm start`, the CLI and
// the standalone CSMS: time, station, direction arrow, action, short payload summary.

/** Local wall-clock time as HH:MM:SS.mmm. */
export function clock(ms = Date.now()) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

const MAX_SUMMARY = 110;

function shorten(text, max = MAX_SUMMARY) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function valueText(v) {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return '(too deep to show)'; // V8's JSON.stringify recurses: a hostile payload nested thousands deep
  }
}

/** MeterValues in one line: "connector 1, tx 3: Energy.Active.Import.Register=1250 Wh, Power.Active.Import=7400 W". */
function meterSummary(payload) {
  const parts = [];
  for (const mv of payload.meterValue || []) {
    for (const sv of mv.sampledValue || []) {
      const what = [sv.measurand || 'Energy.Active.Import.Register', sv.phase].filter(Boolean).join('.');
      parts.push(`${what}=${sv.value}${sv.unit ? ' ' + sv.unit : ''}`);
    }
  }
  const head = `connector ${payload.connectorId}` + (payload.transactionId !== undefined ? `, tx ${payload.transactionId}` : '');
  return `${head}: ${parts.join(', ')}`;
}

/** A short "key=value ..." summary of a payload (timestamps left out: the line has its time). */
export function summarize(action, payload) {
  if (payload === null || typeof payload !== 'object') return valueText(payload);
  if (action === 'MeterValues' && Array.isArray(payload.meterValue)) return shorten(meterSummary(payload));
  const parts = [];
  for (const [k, v] of Object.entries(payload)) {
    if (k === 'timestamp') continue;
    parts.push(`${k}=${valueText(v)}`);
  }
  return shorten(parts.join(' '));
}

/**
 * One message record of the CSMS (see sim/csms.mjs) as a line, arrows seen from the station:
 *   "10:12:01.120  CP-1  →  BootNotification       chargePointVendor=OpenOCPP ..."
 *   "10:12:01.124  CP-1  ←  BootNotification.conf  status=Accepted interval=300"
 */
export function formatRecord(r) {
  const arrow = r.direction === 'in' ? '→' : '←';
  let label;
  let summary;
  try {
    [label, summary] = describeRecord(r);
  } catch {
    // A hostile frame (a MeterValues with null in its list, say): still one line, never a throw.
    [label, summary] = [r.action || 'frame', shorten(String(r.text))];
  }
  return `${clock(r.time)}  ${r.station}  ${arrow}  ${label.padEnd(26)} ${summary}`;
}

function describeRecord(r) {
  let label;
  let summary;
  switch (r.type) {
    case 'CALL':
      label = r.action;
      summary = summarize(r.action, r.payload);
      break;
    case 'CALLRESULT':
      label = `${r.action || '?'}.conf`;
      summary = summarize(r.action, r.payload);
      break;
    case 'CALLERROR':
      label = `${r.action || '?'} CALLERROR`;
      summary = shorten(`${r.error.code} ${JSON.stringify(r.error.description)}`);
      break;
    default:
      label = 'bad frame';
      summary = shorten(JSON.stringify(r.text));
  }
  return [label, summary];
}

const LEVEL_NAMES = { 10: 'debug', 20: 'info', 30: 'warning', 40: 'error' };

export function levelName(level) {
  return LEVEL_NAMES[level] || String(level);
}

/** A station's log line: "10:12:01.120  CP-1  transaction 1 started" (level shown unless info). */
export function formatLog(station, { time, level, text }) {
  const tag = level === 20 ? '' : `[${levelName(level)}] `;
  return `${clock(time)}  ${station}  ${tag}${text}`;
}
