// Seeded, reproducible hostile frames from a central system, and the checks on what the
// charge point answers: shared by the QuickJS fuzz test (test/quickjs/ocpp/fuzz.test.ts,
// thousands of frames on virtual time) and the simulator's over real sockets
// (test/node/sim-fuzz.test.mjs, which bundles this file with esbuild). Payloads come from a
// version's generated schema tables (1.6 by default, or 2.0.1's): valid ones for every
// action, then mutated.
import { enums, schemas } from '../../src/ocpp/v16/generated/schemas';
import { SchemaNode, SchemaTable } from '../../src/ocpp/validation';

/** An OCPP version's generated tables. */
export interface Tables {
  schemas: SchemaTable;
  enums: string[];
}
export const OCPP16: Tables = { schemas, enums };

/** The actions of a version's tables. */
export function actionsOf(tables: Tables): string[] {
  const out: string[] = [];
  for (const action in tables.schemas) if (Object.prototype.hasOwnProperty.call(tables.schemas, action)) out.push(action);
  return out;
}

/** The caps the core promises (src/ocpp/errors.ts, src/ocpp/messages.ts). */
export const QUOTE_CAP = 64;
export const DESCRIPTION_CAP = 255;
export const FRAME_CAP = 65536;

/** mulberry32: a small seeded PRNG, [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = imul(a ^ (a >>> 15), a | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Math.imul (ES2015, not in the ES5 lib): 32-bit multiplication. */
function imul(a: number, b: number): number {
  const ah = (a >>> 16) & 0xffff;
  const al = a & 0xffff;
  const bh = (b >>> 16) & 0xffff;
  const bl = b & 0xffff;
  return (al * bl + (((ah * bl + al * bh) << 16) >>> 0)) | 0;
}

/**
 * Foreign text is written in this alphabet, which no text of the core uses: a run of it
 * longer than the quote cap (plus its '…') in a description means unbounded echo.
 */
const FOREIGN = '\u0436\u0437\u0438\u0439\u043a\u043b\u043c\u043d\u043e\u043f';
const FOREIGN_RUN = /[\u0436-\u043f]+/g;

/** The OCPP 1.6 actions. */
export const ACTIONS = actionsOf(OCPP16);

/** The error codes of OCPP-J 1.6 (section 4.2.3) and of OCPP-J 2.0.1 (part 4, table 8). */
export const CODES_16 = ['NotImplemented', 'NotSupported', 'InternalError', 'ProtocolError', 'SecurityError', 'FormationViolation', 'PropertyConstraintViolation', 'OccurenceConstraintViolation', 'TypeConstraintViolation', 'GenericError'];
export const CODES_201 = ['FormatViolation', 'GenericError', 'InternalError', 'MessageTypeNotSupported', 'NotImplemented', 'NotSupported', 'OccurrenceConstraintViolation', 'PropertyConstraintViolation', 'ProtocolError', 'RpcFrameworkError', 'SecurityError', 'TypeConstraintViolation'];

export interface FuzzFrame {
  /** The text sent. */
  text: string;
  /** What it is (for failure messages). */
  kind: string;
  /** A unique id that must be answered exactly once. */
  answerId: string | null;
  /** The frame must be answered exactly once with "-1". */
  answerMinusOne: boolean;
  /** Ids that must never be answered (results for calls nobody made). */
  silentId: string | null;
  /** A corrupted frame: at most one answer, with `ownId` or "-1". */
  ownId: string | null;
}

export class FrameMaker {
  private readonly rnd: () => number;
  private n = 0;
  /** CALLs of `actions` (all of the version's by default) with payloads from `tables`. */
  constructor(
    readonly seed: number,
    readonly tables: Tables = OCPP16,
    private readonly actions: string[] = actionsOf(tables)
  ) {
    this.rnd = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(list: T[]): T {
    return list[this.int(list.length)];
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  foreign(length: number): string {
    let s = '';
    while (s.length < length) s += FOREIGN.charAt(this.int(FOREIGN.length));
    return s;
  }
  repeat(c: string, n: number): string {
    return new Array(n + 1).join(c);
  }

  /** A value `node` accepts. */
  valid(node: SchemaNode): unknown {
    if (typeof node === 'string') {
      const kind = node.charAt(0);
      const arg = node.substring(1);
      if (kind === 'i') return this.int(1000);
      if (kind === 'n') return arg ? this.int(100) * +arg : this.int(100000) / 10;
      if (kind === 'b') return this.chance(0.5);
      if (kind === 'd') return '2026-11-25T10:' + (10 + this.int(50)) + ':00Z';
      if (kind === 'u') return 'ftp://csms.example/' + this.int(1000);
      if (kind === 'e') return this.pick(this.tables.enums[+arg].split('|'));
      const max = arg ? Math.min(+arg, 24) : 24;
      return 'v' + this.repeat('x', this.int(max));
    }
    if (Object.prototype.toString.call(node) === '[object Array]') {
      const a = node as [SchemaNode, number?];
      const out: unknown[] = [];
      const count = (a[1] || 0) + this.int(3);
      for (let i = 0; i < count; i++) out.push(this.valid(a[0]));
      return out;
    }
    const o: { [k: string]: unknown } = {};
    const obj = node as { [k: string]: SchemaNode };
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      const required = key.charAt(key.length - 1) === '!';
      if (required || this.chance(0.5)) o[required ? key.slice(0, -1) : key] = this.valid(obj[key]);
    }
    return o;
  }

  /** A hostile replacement for a value. */
  private hostileValue(): unknown {
    switch (this.int(12)) {
      case 0: return 99999999999999999999999;
      case 1: return -1e30;
      case 2: return 1.5;
      case 3: return 'text';
      case 4: return null;
      case 5: return {};
      case 6: return [];
      case 7: return this.foreign(70 + this.int(2000));
      case 8: return true;
      case 9: return 9007199254740992;
      case 10: return { deep: this.nestedArray(20 + this.int(40)) };
      default: return this.int(5) - 2;
    }
  }

  private nestedArray(depth: number): unknown {
    let v: unknown = [];
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  }

  /** `payload` with one mutation somewhere: a value replaced, a key removed or added. */
  mutate(payload: any): any {
    const holders: any[] = [];
    const walk = (v: any) => {
      if (v === null || typeof v !== 'object') return;
      holders.push(v);
      for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) walk(v[k]);
    };
    walk(payload);
    if (!holders.length) return this.hostileValue();
    const holder = this.pick(holders);
    const keys: string[] = [];
    for (const k in holder) if (Object.prototype.hasOwnProperty.call(holder, k)) keys.push(k);
    const what = this.int(4);
    if (what === 0 || !keys.length) holder[this.chance(0.5) ? this.foreign(1 + this.int(300)) : 'extra'] = 1;
    else if (what === 1) delete holder[this.pick(keys)];
    else holder[this.pick(keys)] = this.hostileValue();
    return payload;
  }

  private id(): string {
    return 'f' + this.seed + '-' + ++this.n;
  }

  private frame(text: string, kind: string, answerId: string | null, extra?: { minusOne?: boolean; silent?: string; own?: string }): FuzzFrame {
    const e = extra || {};
    return { text, kind, answerId, answerMinusOne: !!e.minusOne, silentId: e.silent || null, ownId: e.own || null };
  }

  private call(id: string, action: string, payload: unknown): string {
    return JSON.stringify([2, id, action, payload]);
  }

  /** The next hostile (or now and then ordinary) frame. */
  next(): FuzzFrame {
    const id = this.id();
    const action = this.pick(this.actions);
    const r = this.int(100);
    if (r < 30) return this.frame(this.call(id, action, this.valid(this.tables.schemas[action][0])), 'valid ' + action, id);
    if (r < 55) return this.frame(this.call(id, action, this.mutate(this.valid(this.tables.schemas[action][0]))), 'mutated ' + action, id);
    if (r < 60) return this.frame(this.call(id, this.chance(0.5) ? this.foreign(1 + this.int(5000)) : 'No\nSuch' + this.foreign(80), {}), 'unknown action', id);
    if (r < 66) {
      const frames: unknown[][] = [[2, id, action], [2, id, action, {}, 'extra'], [3, id], [4, id], [9, id, action, {}], [this.foreign(500), id], [{ t: this.foreign(100) }, id], ['2', id, action, {}], [2, id, 7, {}], [2, id, action, this.foreign(10)]];
      return this.frame(JSON.stringify(this.pick(frames)), 'framing', id);
    }
    if (r < 71) {
      const bad: unknown[] = [[2, 42, action, {}], [2, '', action, {}], [2, this.repeat('i', 37), action, {}], [2, null, action, {}], []];
      const texts = ['not json ' + this.foreign(this.int(300)), 'null', '42', '"' + this.foreign(100) + '"', '{"a":1}', '', '[2,"x"', JSON.stringify(this.pick(bad))];
      return this.frame(this.pick(texts), 'no readable id', null, { minusOne: true });
    }
    if (r < 78) {
      // Corrupted after its head, so the frame is either unreadable ("-1") or still its own.
      let text = this.call(id, action, this.valid(this.tables.schemas[action][0]));
      const head = ('[2,"' + id + '","' + action + '",').length;
      const at = head + this.int(text.length - head);
      const how = this.int(3);
      if (how === 0) text = text.substring(0, at);
      else if (how === 1) text = text.substring(0, at) + this.pick(['"', '[', '{', ']', '}', ',', '\\', 'x', ':']) + text.substring(at + 1);
      else text = text.substring(0, at) + this.foreign(1 + this.int(50)) + text.substring(at);
      return this.frame(text, 'corrupted', null, { own: id });
    }
    if (r < 82) {
      const depth = 33 + this.int(this.chance(0.5) ? 100 : 30000);
      const deep = this.repeat('[', depth) + this.repeat(']', depth);
      if (this.chance(0.5)) return this.frame(deep, 'deep', null, { minusOne: true });
      return this.frame('[2,"' + id + '","' + action + '",{"x":' + deep + '}]', 'deep CALL', id);
    }
    if (r < 85) {
      const size = FRAME_CAP + 1 + this.int(20000);
      const text = '[2,"' + id + '","DataTransfer",{"vendorId":"V","data":"' + this.repeat('d', size) + '"}]';
      return this.frame(text, 'oversize CALL', id);
    }
    if (r < 95) {
      const frames: unknown[][] = [[3, id, {}], [3, id, this.valid(this.tables.schemas[action][1])], [4, id, this.foreign(200), this.foreign(3000), {}], [4, id, 'GenericError', '', {}], [4, id, 'InternalError']];
      return this.frame(JSON.stringify(this.pick(frames)), 'answer to nobody', null, { silent: id });
    }
    const numbers = JSON.stringify(this.valid(this.tables.schemas[action][0])).replace(/\d+(?:\.\d+)?/g, () => this.pick(['99999999999999999999999', '1e400', '0', '1.0000000001', '7']));
    return this.frame('[2,"' + id + '","' + action + '",' + numbers + ']', 'numbers', id);
  }
}

/** Why `text`, an answer of the charge point, is not a valid CALLRESULT / CALLERROR; null when it is. */
export function answerProblem(text: string, codes: string[] = CODES_16): string | null {
  let frame: any;
  try {
    frame = JSON.parse(text);
  } catch (e) {
    return 'not JSON';
  }
  if (Object.prototype.toString.call(frame) !== '[object Array]') return 'not an array';
  if (typeof frame[1] !== 'string' || !frame[1] || frame[1].length > 36) return 'no valid unique id';
  if (frame[0] === 3) return frame.length === 3 && frame[2] !== null && typeof frame[2] === 'object' ? null : 'CALLRESULT is not [3, id, {payload}]';
  if (frame[0] !== 4) return 'neither CALLRESULT nor CALLERROR';
  if (frame.length !== 5) return 'CALLERROR has ' + frame.length + ' elements';
  if (codes.indexOf(frame[2]) < 0) return 'unknown error code ' + frame[2];
  const description = frame[3];
  if (typeof description !== 'string') return 'description is not a string';
  if (description.length > DESCRIPTION_CAP) return 'description of ' + description.length + ' characters';
  const runs = description.match(FOREIGN_RUN) || [];
  for (let i = 0; i < runs.length; i++) if (runs[i].length > QUOTE_CAP) return 'foreign text quoted at ' + runs[i].length + ' characters';
  if (/[\u0000-\u001f]/.test(description)) return 'control characters in the description';
  if (frame[4] === null || typeof frame[4] !== 'object' || Object.prototype.toString.call(frame[4]) === '[object Array]') return 'details is not an object';
  return null;
}

/**
 * Checks the answers to `frames` (all of them sent): every expected id answered exactly
 * once, "-1" as often as frames without a readable id (plus at most the corrupted ones),
 * nothing answered twice or to nobody, every answer valid. The problems, at most 10.
 */
export function checkAnswers(frames: FuzzFrame[], answers: string[], codes: string[] = CODES_16): string[] {
  const problems: string[] = [];
  const count: { [id: string]: number } = {};
  let minusOne = 0;
  for (let i = 0; i < answers.length; i++) {
    const problem = answerProblem(answers[i], codes);
    if (problem) problems.push(problem + ': ' + answers[i].substring(0, 200));
    const id = problem === 'not JSON' ? '' : JSON.parse(answers[i])[1];
    if (id === '-1') minusOne++;
    else count[id] = (count[id] || 0) + 1;
  }
  let expectMinusOne = 0;
  let corrupted = 0;
  const known: { [id: string]: boolean } = {};
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const show = ' (' + f.kind + ': ' + f.text.substring(0, 120) + ')';
    if (f.answerMinusOne) expectMinusOne++;
    if (f.ownId) corrupted++;
    if (f.answerId) {
      known[f.answerId] = true;
      if (count[f.answerId] !== 1) problems.push('answered ' + (count[f.answerId] || 0) + ' times' + show);
    }
    if (f.silentId) {
      known[f.silentId] = true;
      if (count[f.silentId]) problems.push('an answer to an answer' + show);
    }
    if (f.ownId) {
      known[f.ownId] = true;
      if ((count[f.ownId] || 0) > 1) problems.push('answered ' + count[f.ownId] + ' times' + show);
    }
  }
  for (const id in count) if (Object.prototype.hasOwnProperty.call(count, id) && !known[id]) problems.push('an answer to an id never sent: ' + id);
  if (minusOne < expectMinusOne || minusOne > expectMinusOne + corrupted) problems.push(minusOne + ' answers "-1", expected ' + expectMinusOne + ' to ' + (expectMinusOne + corrupted));
  return problems.slice(0, 10);
}
