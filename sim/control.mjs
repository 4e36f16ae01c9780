// The simulator's control API: JSON over HTTP on `--control ADDR:PORT` (README, "Control API
// and dashboard"), the events stream (websocket /api/events) and the dashboard page (GET /).
//
// Security: bound to loopback unless told otherwise, and then only with a token (the CLI
// refuses another address without --control-token); with a token every request carries
// `Authorization: Bearer <token>` (the websocket may carry it as ?token= since a browser
// cannot set headers there). A browser page of another site cannot drive it: a request whose
// Origin is not this server is refused, and on loopback the Host must be a loopback name (a
// DNS-rebinding page carries its own). Bodies are at most 64 KiB of JSON objects, checked
// field by field; every error is a 4xx with {"ok":false,"error":"…"}, never a crash.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { timingSafeEqual, createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

export const MAX_BODY_BYTES = 64 * 1024;
/** Stations one POST /api/stations may add. */
export const MAX_ADD = 1000;
/** OCPP's charge box identity (as the CLI checks it). */
const IDENTITY = /^[A-Za-z0-9._~-]{1,48}$/;
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** An events client this far behind loses frames and log lines (states still go). */
const EVENTS_BACKLOG_BYTES = 4 * 1024 * 1024;

/** The body fields each command takes (all checked again, by type and range, by the bundle). */
const COMMANDS = {
  'power-off': [],
  'power-on': [],
  'plug-in': ['connectorId', 'ev'],
  unplug: ['connectorId', 'evSide'],
  'present-id-tag': ['idTag', 'connectorIds'],
  'ev-requests': ['connectorId', 'value'],
  fault: ['connectorId', 'errorCode', 'vendorErrorCode'],
  network: ['up'],
};

const STATUS_OF_REASON = { 'bad-request': 400, 'not-found': 404, conflict: 409 };

const DASHBOARD_DIR = new URL('./dashboard/', import.meta.url);
const STATIC_FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/dashboard.js': ['dashboard.js', 'text/javascript; charset=utf-8'],
  '/dashboard.css': ['dashboard.css', 'text/css; charset=utf-8'],
};

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function isLoopback(host) {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\./.test(host);
}

/** "ADDR:PORT", "PORT" or "[v6]:PORT" → { host, port } (host default 127.0.0.1); throws on a bad one. */
export function parseListenAddress(text) {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text) || /^()()(\d{1,5})$/.exec(text);
  if (!m) throw new Error(`"${text}" is not ADDR:PORT (e.g. 127.0.0.1:8180, or :0 for any free port)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`port ${port} is above 65535`);
  return { host: m[1] || m[2] || '127.0.0.1', port };
}

export class ControlServer {
  #server = null;
  #wss = null;
  #token = null;
  #addStation;
  #sockets = new Set();

  /**
   * @param {object} options
   * @param {import('./fleet.mjs').Fleet} options.fleet
   * @param {string} [options.host] default 127.0.0.1
   * @param {number} [options.port] default 0 (any free port)
   * @param {string} [options.token] required for a host that is not loopback
   * @param {(body: { count?: number, id?: string, settings?: object }) => Promise<string[]>} options.addStations
   *   adds stations (POST /api/stations) and resolves with their ids; throws HttpError-like {status, message}
   */
  constructor({ fleet, host = '127.0.0.1', port = 0, token = null, addStations }) {
    if (!isLoopback(host) && !token) throw new Error(`the control API binds ${host} only with a token (--control-token): it drives every station`);
    this.fleet = fleet;
    this.host = host;
    this.port = port;
    this.#token = token ? createHash('sha256').update(token).digest() : null;
    this.#addStation = addStations;
  }

  /** Listens; resolves with the URL (http://host:port). */
  async start() {
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    this.#server.on('clientError', (err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    });
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
    this.#server.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.port, this.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.port = this.#server.address().port;
    const shown = this.host.includes(':') ? `[${this.host}]` : this.host;
    this.url = `http://${shown}:${this.port}`;
    return this.url;
  }

  async stop() {
    if (!this.#server) return;
    for (const client of this.#wss.clients) client.terminate();
    this.#wss.close();
    const closed = new Promise((resolve) => this.#server.close(resolve));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    this.#server = null;
  }

  // ---- requests ---------------------------------------------------------------------------

  async #handle(req, res) {
    try {
      this.#checkAccess(req);
      const url = new URL(req.url, 'http://control');
      const path = url.pathname;
      if (STATIC_FILES[path]) {
        allow(req, ['GET', 'HEAD']);
        const [file, type] = STATIC_FILES[path];
        return sendFile(res, file, type);
      }
      this.#checkToken(req, url);
      const parts = path.split('/').filter(Boolean).map(decodeSegment);
      if (parts[0] !== 'api' || parts[1] !== 'stations' || parts.length > 4) throw new HttpError(404, `no route ${req.method} ${path}`);
      if (parts.length === 2) {
        if (req.method === 'GET') return sendJson(res, 200, this.fleet.states());
        allow(req, ['GET', 'POST']);
        const body = await readBody(req);
        return sendJson(res, 201, { ok: true, stations: await this.#addStation(checkAddBody(body)) });
      }
      const id = parts[2];
      if (!this.fleet.has(id)) throw new HttpError(404, `no station "${id}"`);
      if (parts.length === 3) {
        if (req.method === 'GET') return sendJson(res, 200, this.fleet.state(id));
        allow(req, ['GET', 'DELETE']);
        await this.fleet.remove(id);
        return sendJson(res, 200, { ok: true });
      }
      const command = parts[3];
      if (command === 'frames') {
        allow(req, ['GET']);
        return sendJson(res, 200, this.fleet.frames(id));
      }
      if (!Object.prototype.hasOwnProperty.call(COMMANDS, command)) {
        throw new HttpError(404, `unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
      }
      allow(req, ['POST']);
      const body = await readBody(req);
      const unknown = Object.keys(body).filter((k) => !COMMANDS[command].includes(k));
      if (unknown.length) throw new HttpError(400, `${command} takes ${COMMANDS[command].length ? COMMANDS[command].join(', ') : 'no fields'}; not ${unknown.join(', ')}`);
      const reply = this.#run(this.fleet.station(id), command, body);
      if (!reply.ok) throw new HttpError(STATUS_OF_REASON[reply.reason] || 409, reply.error);
      return sendJson(res, 200, { ...reply, ok: true, station: this.fleet.state(id) });
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) console.error(`control API: ${err.stack || err.message}`);
      if (err.allow) res.setHeader('allow', err.allow);
      if (status === 401) res.setHeader('www-authenticate', 'Bearer realm="ocpp-sim"');
      if (err.closeConnection) {
        // Let the rest of the body drain (so the client reads the answer), then close.
        res.setHeader('connection', 'close');
        req.resume();
      }
      sendJson(res, status, { ok: false, error: status === 500 ? 'internal error (logged by the simulator)' : err.message });
    }
  }

  /** A command on one station: power and network are the host's, the rest the bundle's. */
  #run(station, command, body) {
    if (command === 'power-off') {
      if (!station.powerOff()) return { ok: false, reason: 'conflict', error: station.result ? `the station has ended (exit ${station.result.code})` : 'the station is already off' };
      return { ok: true };
    }
    if (command === 'power-on') {
      if (!station.powerOn()) {
        return { ok: false, reason: 'conflict', error: station.result ? `the station has ended (exit ${station.result.code}: ${station.result.reason}); DELETE it and POST a new one` : 'the station is already on' };
      }
      return { ok: true };
    }
    if (command === 'network') {
      if (typeof body.up !== 'boolean') return { ok: false, reason: 'bad-request', error: 'up must be true or false' };
      station.setNetwork(body.up);
      return { ok: true };
    }
    if (!station.running) return { ok: false, reason: 'conflict', error: station.result ? `the station has ended (exit ${station.result.code})` : 'the station is powered off (power-on first)' };
    const reply = station.control({ ...body, command });
    return reply || { ok: false, reason: 'conflict', error: "the station's bundle has no simulator control (optional host ABI member controlListen)" };
  }

  /** Origin and Host rules (see the module comment), for requests and websockets alike. */
  #checkAccess(req) {
    const host = req.headers.host || '';
    if (isLoopback(this.host)) {
      const name = host.replace(/:\d+$/, '');
      if (!LOOPBACK_NAMES.has(name)) throw new HttpError(403, `Host "${host}" is not this loopback server`);
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}`) throw new HttpError(403, `requests from ${origin} are not allowed (Origin must be this server)`);
  }

  #checkToken(req, url) {
    if (!this.#token) return;
    const header = req.headers.authorization || '';
    const m = /^Bearer (.+)$/.exec(header);
    const given = m ? m[1] : url.searchParams.get('token');
    if (!given) throw new HttpError(401, 'this control API needs a token: Authorization: Bearer <token>');
    const digest = createHash('sha256').update(given).digest();
    if (!timingSafeEqual(digest, this.#token)) throw new HttpError(401, 'wrong token');
  }

  // ---- the events stream ---------------------------------------------------------------------

  #upgrade(req, socket, head) {
    try {
      this.#checkAccess(req);
      const url = new URL(req.url, 'http://control');
      if (url.pathname !== '/api/events') throw new HttpError(404, `no websocket at ${url.pathname}`);
      this.#checkToken(req, url);
    } catch (err) {
      const status = err.status || 400;
      const body = JSON.stringify({ ok: false, error: err.message });
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#events(ws));
  }

  /**
   * One events client: the full state first, then every change. A client may narrow the
   * frames and log lines it gets: {"frames": "all" | "none" | [ids], "logs": …}.
   */
  #events(ws) {
    const fleet = this.fleet;
    const filter = { frames: null, logs: null }; // null: all; else a Set of station ids
    const send = (event, droppable) => {
      if (ws.readyState !== ws.OPEN) return;
      if (droppable && ws.bufferedAmount > EVENTS_BACKLOG_BYTES) return;
      ws.send(JSON.stringify(event));
    };
    const wanted = (kind, station) => filter[kind] === null || filter[kind].has(station);
    // Changes of one turn go out together: a poll of a thousand stations is one message.
    let changed = null;
    const flush = () => {
      const states = [...changed.values()];
      changed = null;
      send(states.length === 1 ? { type: 'station', station: states[0] } : { type: 'stations', stations: states });
    };
    const stationChanged = (state) => {
      if (!changed) {
        changed = new Map();
        setImmediate(flush);
      }
      changed.set(state.id, state);
    };
    const listeners = {
      station: stationChanged,
      added: stationChanged,
      removed: (id) => send({ type: 'removed', id }),
      frame: (f) => wanted('frames', f.station) && send({ type: 'frame', ...f }, true),
      log: (l) => wanted('logs', l.station) && send({ type: 'log', ...l }, true),
    };
    for (const [name, fn] of Object.entries(listeners)) fleet.on(name, fn);
    const unwatch = fleet.watch();
    send({ type: 'state', stations: fleet.states() });
    ws.on('message', (data) => {
      let m;
      try {
        m = JSON.parse(data.toString('utf8'));
      } catch {
        send({ type: 'error', error: 'a message is JSON: {"frames": "all" | "none" | ["id", …], "logs": …}' });
        return;
      }
      for (const kind of ['frames', 'logs']) {
        if (!m || !(kind in m)) continue;
        const v = m[kind];
        if (v === 'all') filter[kind] = null;
        else if (v === 'none') filter[kind] = new Set();
        else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) filter[kind] = new Set(v);
        else send({ type: 'error', error: `${kind} must be "all", "none" or a list of station ids` });
      }
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      for (const [name, fn] of Object.entries(listeners)) fleet.off(name, fn);
      unwatch();
    });
  }
}

function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `bad path segment "${s}"`);
  }
}

function allow(req, methods) {
  if (methods.includes(req.method)) return;
  const err = new HttpError(405, `${req.method} is not allowed here (allowed: ${methods.join(', ')})`);
  err.allow = methods.join(', ');
  throw err;
}

/** The body as a JSON object ({} when empty); at most MAX_BODY_BYTES. */
async function readBody(req) {
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/json\s*(;.*)?$/i.test(type)) throw new HttpError(415, `the body must be application/json, not ${type}`);
  const declared = Number(req.headers['content-length']);
  if (declared > MAX_BODY_BYTES) {
    const err = new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
    err.closeConnection = true;
    throw err;
  }
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      const err = new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
      err.closeConnection = true;
      throw err;
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `the body is not JSON: ${err.message}`);
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'the body must be a JSON object');
  return body;
}

/** POST /api/stations: {count?, id?, settings?}. */
function checkAddBody(body) {
  const unknown = Object.keys(body).filter((k) => !['count', 'id', 'settings'].includes(k));
  if (unknown.length) throw new HttpError(400, `POST /api/stations takes count, id, settings; not ${unknown.join(', ')}`);
  const { count = 1, id, settings = {} } = body;
  if (!Number.isInteger(count) || count < 1 || count > MAX_ADD) throw new HttpError(400, `count must be a whole number from 1 to ${MAX_ADD}`);
  if (id !== undefined && (typeof id !== 'string' || !IDENTITY.test(id))) throw new HttpError(400, 'id must be a station id (letters, digits, . _ ~ -; at most 48)');
  if (!settings || typeof settings !== 'object' || Array.isArray(settings)) throw new HttpError(400, 'settings must be an object (hal/settings.ts fields)');
  return { count, id, settings };
}

function sendJson(res, status, value) {
  if (res.headersSent) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

const fileCache = new Map();
function sendFile(res, file, type) {
  let body = fileCache.get(file);
  if (!body) {
    body = readFileSync(fileURLToPath(new URL(file, DASHBOARD_DIR)));
    fileCache.set(file, body);
  }
  res.writeHead(200, {
    'content-type': type,
    'content-length': body.length,
    'cache-control': 'no-cache',
    // The page runs only its own script and talks only to this server.
    'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'",
    'x-frame-options': 'DENY',
  });
  res.end(body);
}

export { HttpError };
