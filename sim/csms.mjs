// A small OCPP 1.6J and 2.0.1 central system (CSMS) on ocpp-rpc in strict mode: every
// message, both ways, is validated against the official JSON schemas of the subprotocol
// agreed on (the first the station offers that the CSMS speaks). It is the default partner of the simulator
// (`npm start`) and the independent other side in the tests: it records every message per
// station, answers every charge-point-initiated 1.6 action, and the 2.0.1 actions a station
// sends, with a valid response, and lets a test send CALLs and raw frames to a station.
//
//   const csms = new Csms({ heartbeatInterval: 2 });
//   const url = await csms.start();              // ws://127.0.0.1:<port>/ocpp
//   await csms.waitForCall('CP-1', 'BootNotification');
//   await csms.call('CP-1', 'RemoteStartTransaction', { idTag: 'TAG', connectorId: 1 });
//   csms.sendRaw('CP-1', '[2,"x","Nonsense",{}]');
//   await csms.stop(); await csms.start();      // down for a while, same port
//   const location = csms.serveFile('fw.js', code); // GET over HTTP on the same port (UpdateFirmware)
//   csms.diagnosticsUrl                           // PUT <url><name> lands in csms.uploads (GetDiagnostics)
//
// Standalone: node sim/csms.mjs --port 9000 [--heartbeat-interval S] [--password P] ...
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ocppRpc from 'ocpp-rpc';
import { formatRecord, clock } from './format.mjs';

const { RPCServer } = ocppRpc;
/** The subprotocols spoken; a station offering several gets the first of its own list. */
const PROTOCOLS = ['ocpp1.6', 'ocpp2.0.1'];
const MESSAGE_TYPES = { 2: 'CALL', 3: 'CALLRESULT', 4: 'CALLERROR' };
const TRANSACTION_ACTIONS = new Set(['StartTransaction', 'StopTransaction', 'MeterValues', 'TransactionEvent']);

/**
 * @typedef {object} MessageRecord
 * @property {number} seq        position in csms.records
 * @property {number} time       ms since epoch
 * @property {string} station    charge box identity
 * @property {'in'|'out'} direction  'in' = station → CSMS, 'out' = CSMS → station
 * @property {'CALL'|'CALLRESULT'|'CALLERROR'|'invalid'} type
 * @property {string} [id]       unique message id
 * @property {string} [action]   for results and errors: the action of the CALL they answer
 * @property {any} [payload]
 * @property {{code: string, description: string, details: any}} [error]  CALLERROR only
 * @property {string} text       the frame as sent
 * @property {boolean} [repeat]  a transaction message the station sent again with the id of one already answered
 */

export class Csms extends EventEmitter {
  /** @type {MessageRecord[]} every message, all stations, in order */
  records = [];
  /** Connections, in order: { station, protocol, authorization, openedAt, closedAt, code, reason }. */
  connections = [];
  /** Handshakes refused: { station, time, status, reason }. */
  rejections = [];
  /** Messages ocpp-rpc found invalid against the schemas: { station, time, outbound, action, error }. */
  violations = [];
  /** Transactions by id: { station, connectorId, idTag, meterStart, meterStop, reason, meterValues: [] }. */
  transactions = new Map();
  /**
   * OCPP 2.0.1 transactions by transactionId: { station, evseId, idToken, events: [{ eventType,
   * triggerReason, seqNo, offline, stoppedReason }], meterValues: [], energyStart, energyEnd, ended }.
   * A repeated TransactionEvent (same message id) is not counted twice.
   */
  transactions201 = new Map();
  /** Last status per station and connector: status.get('CP-1')[1] === 'Charging'. */
  status = new Map();
  /** Files stations uploaded over HTTP (GetDiagnostics): { name, size, text, time }. */
  uploads = [];
  /** Files stations downloaded over HTTP (UpdateFirmware): { name, time }. */
  downloads = [];
  #files = new Map(); // name -> Buffer served at /firmware/<name>
  #clients = new Map(); // station -> live RPCServerClient
  #transactionAnswers = new Map(); // station -> Map(message id -> answer): repeats get the first answer
  #handlers = new Map(); // test overrides: action -> (payload, station) => response
  #nextTransactionId = 1;
  #rpc = null;
  #server = null;

  /**
   * @param {object} [o]
   * @param {string} [o.host] default 127.0.0.1
   * @param {number} [o.port] default 0: a free port (kept across stop/start)
   * @param {number} [o.heartbeatInterval] seconds, sent in BootNotification.conf (default 300)
   * @param {'Accepted'|'Pending'|'Rejected'} [o.bootStatus] default Accepted
   * @param {string[]} [o.blockedTags] idTags answered Blocked
   * @param {string} [o.password] when set, Basic auth (user = station id) is required
   * @param {{key: string, cert: string, ca?: string, requestCert?: boolean}} [o.tls] serve wss
   * @param {number} [o.callTimeout] seconds to wait for a station's answer (default 30)
   * @param {(line: string) => void} [o.log] readable log, one line per message and connection
   */
  constructor({ host = '127.0.0.1', port = 0, heartbeatInterval = 300, bootStatus = 'Accepted', blockedTags = [], password, tls, callTimeout = 30, log } = {}) {
    super();
    Object.assign(this, { host, port, heartbeatInterval, bootStatus, password, tls, callTimeout });
    this.blockedTags = new Set(blockedTags);
    this.log = log || null;
  }

  /** ws[s]://host:port/ocpp; a station connects to `${url}/${id}`. */
  get url() {
    return `${this.tls ? 'wss' : 'ws'}://${this.host}:${this.port}/ocpp`;
  }

  get listening() {
    return this.#server !== null;
  }

  /** Starts listening (again, on the same port after a stop). Resolves with the url. */
  async start() {
    if (this.#server) return this.url;
    const rpc = new RPCServer({ protocols: PROTOCOLS, strictMode: true, callTimeoutMs: this.callTimeout * 1000 });
    rpc.auth((accept, reject, handshake) => this.#authenticate(accept, reject, handshake));
    rpc.on('client', (client) => this.#attach(client));
    const server = this.tls ? createHttpsServer({ ...this.tls }) : createHttpServer();
    server.on('request', (req, res) => this.#http(req, res));
    server.on('upgrade', rpc.handleUpgrade);
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = server.address().port;
    this.#rpc = rpc;
    this.#server = server;
    this.#say(`${clock()}  CSMS listening on ${this.url}/<station id> (OCPP 1.6J and 2.0.1, strict schema validation)`);
    return this.url;
  }

  /**
   * Stops listening and drops every connection (a CSMS outage). `graceful` sends a close
   * frame (1001 going away); otherwise the TCP connections are cut, as by a network failure.
   */
  async stop({ graceful = false } = {}) {
    const rpc = this.#rpc;
    const server = this.#server;
    if (!server) return;
    this.#rpc = null;
    this.#server = null;
    const closing = [...this.#clients.values()].map((c) => c.close(graceful ? { code: 1001, reason: 'CSMS going down' } : { force: true }));
    await Promise.allSettled(closing);
    await rpc.close({ force: true });
    await new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
    this.#say(`${clock()}  CSMS stopped`);
  }

  /** http[s]://host:port: the same port serves files and takes uploads. */
  get httpUrl() {
    return `${this.tls ? 'https' : 'http'}://${this.host}:${this.port}`;
  }

  /** Where a station uploads diagnostics (GetDiagnostics location): PUT or POST <url><file name>. */
  get diagnosticsUrl() {
    return `${this.httpUrl}/diagnostics/`;
  }

  /** Serves `content` at /firmware/<name> (UpdateFirmware location); returns its URL. */
  serveFile(name, content) {
    this.#files.set(name, Buffer.from(content));
    return `${this.httpUrl}/firmware/${encodeURIComponent(name)}`;
  }

  #http(req, res) {
    const path = decodeURIComponent((req.url || '').split('?')[0]);
    const file = /^\/firmware\/([^/]+)$/.exec(path);
    const upload = /^\/diagnostics\/([^/]+)$/.exec(path);
    if (file && req.method === 'GET' && this.#files.has(file[1])) {
      const body = this.#files.get(file[1]);
      this.downloads.push({ name: file[1], time: Date.now() });
      this.#say(`${clock()}  HTTP GET ${path} (${body.length} bytes)`);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
      return;
    }
    if (upload && (req.method === 'PUT' || req.method === 'POST')) {
      const chunks = [];
      let size = 0;
      req.on('data', (chunk) => {
        size += chunk.length;
        if (size <= 4 * 1024 * 1024) chunks.push(chunk);
      });
      req.on('end', () => {
        if (size > 4 * 1024 * 1024) {
          res.writeHead(413);
          res.end();
          return;
        }
        const u = { name: upload[1], size, text: Buffer.concat(chunks).toString('utf8'), time: Date.now() };
        this.uploads.push(u);
        this.#say(`${clock()}  HTTP ${req.method} ${path} (${size} bytes)`);
        this.emit('upload', u);
        res.writeHead(201);
        res.end();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  }

  /** Overrides the answer to one action: fn(payload, station) returns the response (or throws). */
  handle(action, fn) {
    this.#handlers.set(action, fn);
  }

  /** Is the station connected now? */
  connected(station) {
    return this.#clients.has(station);
  }

  /**
   * Sends a CALL to a station and resolves with its answer (rejects with the CALLERROR as an
   * ocpp-rpc RPCError, or on timeout). The request is schema-checked too.
   */
  async call(station, action, payload, { timeout = this.callTimeout } = {}) {
    return this.#client(station).call(action, payload, { callTimeoutMs: timeout * 1000 });
  }

  /** Sends any text as one frame, below ocpp-rpc's framing (for bad-frame tests). */
  sendRaw(station, text) {
    this.#client(station).sendRaw(text);
  }

  /** Drops a station's connection: a close frame (code, reason) or, with terminate, a cut. */
  async disconnect(station, { code = 1000, reason = '', terminate = false } = {}) {
    const client = this.#client(station);
    await client.close(terminate ? { force: true } : { code, reason });
  }

  /** Records of one station (or all), optionally filtered: { direction, type, action }. */
  messages(station, filter = {}) {
    return this.records.filter((r) => (!station || r.station === station) && Object.entries(filter).every(([k, v]) => r[k] === v));
  }

  /** Payloads of the CALLs a station sent with this action. */
  calls(station, action) {
    return this.messages(station, { direction: 'in', type: 'CALL', action }).map((r) => r.payload);
  }

  /**
   * Resolves with the first record (at index >= from) that matches; rejects after timeout
   * with what it waited for.
   * @param {(r: MessageRecord) => boolean} predicate
   */
  waitFor(predicate, { timeout = 10000, from = 0, what = 'a matching message' } = {}) {
    const found = this.records.slice(from).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onMessage = (r) => {
        if (!predicate(r)) return;
        cleanup();
        resolve(r);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`CSMS: no ${what} within ${timeout} ms`));
      }, timeout);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('message', onMessage);
      };
      this.on('message', onMessage);
    });
  }

  /** Waits for a CALL of `action` from the station (received at index >= from). */
  waitForCall(station, action, { timeout, from } = {}) {
    return this.waitFor((r) => r.station === station && r.direction === 'in' && r.type === 'CALL' && r.action === action, {
      timeout,
      from,
      what: `${action} from ${station}`,
    });
  }

  /** Waits until the station is connected (a new connection when `after` connections were seen). */
  waitForConnection(station, { timeout = 10000, after = 0 } = {}) {
    const mine = () => this.connections.filter((c) => c.station === station);
    if (mine().length > after) return Promise.resolve(mine()[after]);
    return new Promise((resolve, reject) => {
      const onConnect = (c) => {
        if (c.station !== station || mine().length <= after) return;
        cleanup();
        resolve(mine()[after]);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`CSMS: ${station} did not connect (connection #${after + 1}) within ${timeout} ms`));
      }, timeout);
      const cleanup = () => {
        clearTimeout(timer);
        this.off('connect', onConnect);
      };
      this.on('connect', onConnect);
    });
  }

  // ---- connections ----------------------------------------------------------------------

  #authenticate(accept, reject, handshake) {
    const station = handshake.identity;
    const refuse = (status, reason) => {
      this.rejections.push({ station, time: Date.now(), status, reason });
      this.#say(`${clock()}  ${station}  connection refused: ${status} ${reason}`);
      this.emit('reject', { station, status, reason });
      reject(status, reason);
    };
    const protocol = [...handshake.protocols].find((p) => PROTOCOLS.includes(p));
    if (!protocol) return refuse(400, `subprotocol ${PROTOCOLS.join(' or ')} required`);
    if (this.password !== undefined && this.password !== '') {
      const given = handshake.password ? handshake.password.toString('utf8') : undefined;
      if (given !== this.password) return refuse(401, given === undefined ? 'Basic auth required' : 'wrong password');
    }
    accept({ station }, protocol);
  }

  #attach(client) {
    const station = client.identity;
    const previous = this.#clients.get(station);
    if (previous) previous.close({ force: true }); // a station reconnecting replaces its old socket
    this.#clients.set(station, client);
    const connection = {
      station,
      protocol: client.protocol,
      authorization: client.handshake.headers.authorization || null,
      // wss with a client certificate (security profile 3): its subject CN and serial number
      clientCertificate: peerCertificate(client.handshake.request),
      openedAt: Date.now(),
      closedAt: null,
      code: null,
      reason: null,
    };
    this.connections.push(connection);
    const how = `${connection.authorization ? ', Basic auth' : ''}${connection.clientCertificate ? `, client certificate ${connection.clientCertificate.subject}` : ''}`;
    this.#say(`${clock()}  ${station}  connected (subprotocol ${client.protocol}${how})`);
    this.emit('connect', connection);

    // Calls each side has sent, so an answer can be shown with its action.
    const pending = { in: new Map(), out: new Map() };
    client.on('message', ({ message, outbound }) => this.#record(station, outbound ? 'out' : 'in', String(message), pending));
    client.on('strictValidationFailure', ({ method, outbound, error, isCall }) => {
      const v = { station, time: Date.now(), outbound, action: method, isCall, error: error.message };
      this.violations.push(v);
      this.#say(`${clock()}  ${station}  schema violation in ${outbound ? 'CSMS' : 'station'} ${method}${isCall ? '' : '.conf'}: ${error.message}`);
      this.emit('violation', v);
    });
    client.on('close', ({ code, reason }) => {
      connection.closedAt = Date.now();
      connection.code = code;
      connection.reason = String(reason || '');
      if (this.#clients.get(station) === client) this.#clients.delete(station);
      this.#say(`${clock()}  ${station}  disconnected (${code}${connection.reason ? ' ' + connection.reason : ''})`);
      this.emit('disconnect', connection);
    });
    for (const [action, answer] of Object.entries(client.protocol === 'ocpp2.0.1' ? this.#answers201() : this.#answers())) {
      client.handle(action, ({ params, messageId }) => {
        const repeat = this.#repeatedAnswer(station, action, messageId);
        if (repeat !== undefined) return repeat;
        const override = this.#handlers.get(action);
        const result = override ? override(params, station) : answer(params, station);
        this.#rememberAnswer(station, action, messageId, result);
        return result;
      });
    }
    // Actions a CSMS does not receive get ocpp-rpc's NotImplemented CALLERROR.
  }

  // A transaction message whose answer a cut connection swallowed comes again, with the same
  // message id, on the next connection. Like a careful production CSMS, this one answers the
  // repeat as it answered the original and does not process it twice (no second
  // transaction, no meter values counted twice); its record carries `repeat: true`.
  #repeatedAnswer(station, action, messageId) {
    if (!TRANSACTION_ACTIONS.has(action)) return undefined;
    return this.#transactionAnswers.get(station)?.get(messageId);
  }

  #rememberAnswer(station, action, messageId, result) {
    if (!TRANSACTION_ACTIONS.has(action) || result === undefined || typeof result?.then === 'function') return;
    if (!this.#transactionAnswers.has(station)) this.#transactionAnswers.set(station, new Map());
    const answers = this.#transactionAnswers.get(station);
    answers.set(messageId, result);
    if (answers.size > 10000) answers.delete(answers.keys().next().value);
  }

  #client(station) {
    const client = this.#clients.get(station);
    if (!client) throw new Error(`CSMS: station ${station} is not connected`);
    return client;
  }

  #record(station, direction, text, pending) {
    /** @type {MessageRecord} */
    const r = { seq: this.records.length, time: Date.now(), station, direction, type: 'invalid', text };
    try {
      const frame = JSON.parse(text);
      if (Array.isArray(frame) && MESSAGE_TYPES[frame[0]] && typeof frame[1] === 'string') {
        r.type = MESSAGE_TYPES[frame[0]];
        r.id = frame[1];
        if (r.type === 'CALL') {
          r.action = frame[2];
          r.payload = frame[3];
          if (direction === 'in' && this.#repeatedAnswer(station, r.action, r.id) !== undefined) r.repeat = true;
          pending[direction].set(r.id, r.action);
        } else {
          const asked = pending[direction === 'in' ? 'out' : 'in'];
          r.action = asked.get(r.id);
          asked.delete(r.id);
          if (r.type === 'CALLRESULT') r.payload = frame[2];
          else r.error = { code: frame[2], description: frame[3], details: frame[4] };
        }
      }
    } catch {
      // not JSON: recorded as 'invalid' with its text
    }
    this.records.push(r);
    this.#say(formatRecord(r));
    this.emit('message', r);
  }

  #say(line) {
    if (this.log) this.log(line);
  }

  // ---- answers to the charge-point-initiated 1.6 actions ---------------------------------

  #idTagInfo(idTag) {
    return { status: this.blockedTags.has(idTag) ? 'Blocked' : 'Accepted' };
  }

  #statusOf(station) {
    if (!this.status.has(station)) this.status.set(station, {});
    return this.status.get(station);
  }

  #answers() {
    const now = () => new Date().toISOString();
    return {
      BootNotification: () => ({ status: this.bootStatus, currentTime: now(), interval: this.heartbeatInterval }),
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: (p, station) => {
        this.#statusOf(station)[p.connectorId] = p.status;
        return {};
      },
      Authorize: (p) => ({ idTagInfo: this.#idTagInfo(p.idTag) }),
      StartTransaction: (p, station) => {
        const transactionId = this.#nextTransactionId++;
        this.transactions.set(transactionId, {
          station,
          connectorId: p.connectorId,
          idTag: p.idTag,
          meterStart: p.meterStart,
          meterStop: null,
          reason: null,
          meterValues: [],
        });
        return { transactionId, idTagInfo: this.#idTagInfo(p.idTag) };
      },
      MeterValues: (p) => {
        const tx = p.transactionId !== undefined && this.transactions.get(p.transactionId);
        if (tx) tx.meterValues.push(...p.meterValue);
        return {};
      },
      StopTransaction: (p) => {
        const tx = this.transactions.get(p.transactionId);
        if (tx) {
          tx.meterStop = p.meterStop;
          tx.reason = p.reason || 'Local';
          if (p.transactionData) tx.meterValues.push(...p.transactionData);
        }
        return p.idTag ? { idTagInfo: this.#idTagInfo(p.idTag) } : {};
      },
      DataTransfer: () => ({ status: 'Accepted' }),
      DiagnosticsStatusNotification: () => ({}),
      FirmwareStatusNotification: () => ({}),
      // security extension (OCPP 1.6 security whitepaper)
      SecurityEventNotification: () => ({}),
      SignCertificate: () => ({ status: 'Accepted' }),
      LogStatusNotification: () => ({}),
      SignedFirmwareStatusNotification: () => ({}),
    };
  }

  // ---- answers to the charging-station-initiated 2.0.1 actions ----------------------------

  #idTokenInfo(idToken) {
    return { status: idToken && this.blockedTags.has(idToken.idToken) ? 'Blocked' : 'Accepted' };
  }

  #transactionEvent(p, station) {
    const id = p.transactionInfo.transactionId;
    if (!this.transactions201.has(id)) {
      this.transactions201.set(id, { station, evseId: null, idToken: null, events: [], meterValues: [], energyStart: null, energyEnd: null, ended: false });
    }
    const tx = this.transactions201.get(id);
    if (p.evse && tx.evseId === null) tx.evseId = p.evse.id;
    if (p.idToken && !tx.idToken) tx.idToken = p.idToken.idToken;
    tx.events.push({ eventType: p.eventType, triggerReason: p.triggerReason, seqNo: p.seqNo, offline: p.offline === true, stoppedReason: p.transactionInfo.stoppedReason });
    for (const mv of p.meterValue || []) {
      tx.meterValues.push(mv);
      for (const sv of mv.sampledValue) {
        if ((sv.measurand ?? 'Energy.Active.Import.Register') !== 'Energy.Active.Import.Register') continue;
        if (sv.context === 'Transaction.Begin' && tx.energyStart === null) tx.energyStart = sv.value;
        if (sv.context === 'Transaction.End') tx.energyEnd = sv.value;
      }
    }
    if (p.eventType === 'Ended') tx.ended = true;
  }

  #answers201() {
    const now = () => new Date().toISOString();
    const empty = () => ({});
    return {
      BootNotification: () => ({ status: this.bootStatus, currentTime: now(), interval: this.heartbeatInterval }),
      Heartbeat: () => ({ currentTime: now() }),
      StatusNotification: (p, station) => {
        this.#statusOf(station)[p.evseId] = p.connectorStatus;
        return {};
      },
      Authorize: (p) => ({ idTokenInfo: this.#idTokenInfo(p.idToken) }),
      TransactionEvent: (p, station) => {
        this.#transactionEvent(p, station);
        return p.idToken ? { idTokenInfo: this.#idTokenInfo(p.idToken) } : {};
      },
      MeterValues: empty,
      DataTransfer: () => ({ status: 'Accepted' }),
      FirmwareStatusNotification: empty,
      LogStatusNotification: empty,
      SecurityEventNotification: empty,
      SignCertificate: () => ({ status: 'Accepted' }),
      NotifyReport: empty,
      NotifyEvent: empty,
      NotifyCustomerInformation: empty,
      NotifyMonitoringReport: empty,
    };
  }
}

/** The verified client certificate of a wss connection: { subject (CN), serialNumber }, or null. */
function peerCertificate(request) {
  const socket = request && request.socket;
  if (!socket || typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return null;
  return { subject: cert.subject.CN || '', serialNumber: cert.serialNumber || '' };
}

// ---- standalone: node sim/csms.mjs --port 9000 -------------------------------------------

const USAGE = `usage: node sim/csms.mjs [--port N] [--host H] [--heartbeat-interval S] [--boot-status Accepted|Pending|Rejected]
                          [--block-tag TAG]... [--password P] [--tls-key FILE --tls-cert FILE]
A small OCPP 1.6J and 2.0.1 central system (ocpp-rpc, strict schema validation). Stations connect to
ws://H:N/ocpp/<station id>. Every message is printed.`;

async function main(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '9000' },
        host: { type: 'string', default: '127.0.0.1' },
        'heartbeat-interval': { type: 'string', default: '300' },
        'boot-status': { type: 'string', default: 'Accepted' },
        'block-tag': { type: 'string', multiple: true, default: [] },
        password: { type: 'string' },
        'tls-key': { type: 'string' },
        'tls-cert': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    console.error(`csms: ${err.message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port);
  const interval = Number(values['heartbeat-interval']);
  const problems = [];
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`--port must be 0..65535, got ${values.port}`);
  if (!Number.isInteger(interval) || interval < 1) problems.push(`--heartbeat-interval must be a whole number of seconds >= 1, got ${values['heartbeat-interval']}`);
  if (!['Accepted', 'Pending', 'Rejected'].includes(values['boot-status'])) problems.push(`--boot-status must be Accepted, Pending or Rejected`);
  if (!!values['tls-key'] !== !!values['tls-cert']) problems.push('--tls-key and --tls-cert go together');
  if (problems.length) {
    console.error(`csms: ${problems.join('\ncsms: ')}\n${USAGE}`);
    process.exit(2);
  }
  const tls = values['tls-key'] ? { key: readFileSync(values['tls-key'], 'utf8'), cert: readFileSync(values['tls-cert'], 'utf8') } : undefined;
  const csms = new Csms({
    host: values.host,
    port,
    heartbeatInterval: interval,
    bootStatus: values['boot-status'],
    blockedTags: values['block-tag'],
    password: values.password,
    tls,
    log: (line) => console.log(line),
  });
  await csms.start();
  const shutdown = async () => {
    await csms.stop({ graceful: true });
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`csms: ${err.message}`);
    process.exit(1);
  });
}
