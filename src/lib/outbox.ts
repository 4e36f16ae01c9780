// A durable outbox: entries that must reach the other side, in order, even across a dropped
// link or a power loss. Each entry is written to storage BEFORE anything tries to send it,
// and marked done only once it was answered (or given up). Nothing here knows OCPP: the
// transaction messages (src/app/core/transaction-queue.ts) and the security events
// (src/lib/security-events.ts, for both versions) are two configurations of it.
//
// Storage is one append-only record log (durable appends; a torn last line is dropped on
// reading), one JSON record per line:
//   {"q":7, ...the entry's fields}    entry 7
//   {"d":7}                           entry 7 is done
//   anything else                     a record of the configuration's own (a header, a mapping)
// When the done records outweigh the pending ones the log is rewritten (one atomic replace)
// with the configuration's own records first and then only what is still pending; the log
// is rewritten at start too, so the next append is never glued to a torn line.

/** The storage the outbox needs (the HAL's storage is one). */
export interface RecordStorage {
  append(log: string, record: string): void;
  records(log: string): string[];
  set(key: string, value: string): void;
  remove(key: string): void;
}

export interface OutboxConfig<E> {
  /** The record log's name in storage. */
  file: string;
  /** Rewrite the log once it holds this many records more than the pending entries. */
  compactSlack: number;
  /** The entry as the JSON text of its record, `{"q":seq,...}` (seq is the entry's position). */
  encode(seq: number, entry: E): string;
  /** The entry of a `q` record read back (null: not one of this outbox's, skipped). */
  decode(record: any): E | null;
  /** The configuration's own records, written first whenever the log is rewritten (`nextSeq`: the seq the next entry gets). */
  ownRecords?(nextSeq: number): object[];
  /** Replay: a record that is neither an entry nor a done mark; may return a seq the next entries must not be below. */
  replayOwn?(record: any): number | void;
  /** Replay: an entry was read (before the done marks that may follow it). */
  replayEntry?(seq: number, entry: E): void;
  /** Replay: an entry was read as done. */
  replayDone?(seq: number, entry: E): void;
  /** A record that cannot be read (torn by a power loss) was skipped. */
  unreadable?(): void;
}

export interface OutboxEntry<E> {
  /** Position in the outbox (increasing, never reused). */
  seq: number;
  entry: E;
}

export class Outbox<E> {
  private pending: OutboxEntry<E>[] = [];
  private nextSeq = 1;
  private recordsInLog = 0;

  constructor(private readonly storage: RecordStorage, private readonly config: OutboxConfig<E>) {}

  /**
   * Reads the log back (what was pending before a reboot or power loss is pending again) and
   * rewrites it clean. Once, before anything else.
   */
  load(): this {
    this.replay();
    return this;
  }

  /** Entries waiting, oldest first; do not modify. */
  list(): OutboxEntry<E>[] {
    return this.pending;
  }

  size(): number {
    return this.pending.length;
  }

  head(): OutboxEntry<E> | null {
    return this.pending.length ? this.pending[0] : null;
  }

  /** The seq the next entry gets. */
  peekSeq(): number {
    return this.nextSeq;
  }

  /** No entry gets a seq below `seq`. */
  private reserveSeq(seq: number): void {
    this.nextSeq = Math.max(this.nextSeq, seq);
  }

  /** Hands out the next seq (for an entry that needs its seq before it is stored, see add()). */
  takeSeq(): number {
    return this.nextSeq++;
  }

  /** Stores an entry durably; when this returns, it survives a power loss. */
  push(entry: E): OutboxEntry<E> {
    return this.add(this.takeSeq(), entry);
  }

  /** Stores an entry under a seq takeSeq() gave. */
  add(seq: number, entry: E): OutboxEntry<E> {
    const item = { seq, entry };
    this.append(this.config.encode(seq, entry));
    this.pending.push(item);
    return item;
  }

  /** The entry was answered (or given up): it is never sent again. Returns it, or null (already gone). */
  complete(seq: number): E | null {
    const entry = this.markDone(seq);
    if (entry !== null) this.compactIfWorthIt();
    return entry;
  }

  /** Rewrites the log if the done records outweigh the pending ones by the configured slack. */
  compactIfWorthIt(): void {
    if (this.recordsInLog - this.pending.length >= this.config.compactSlack) this.compact();
  }

  /** Marks the entry done without a rewrite of the log (e.g. dropping the oldest of a full outbox). */
  markDone(seq: number): E | null {
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i].seq !== seq) continue;
      const entry = this.pending.splice(i, 1)[0].entry;
      this.append(JSON.stringify({ d: seq }));
      return entry;
    }
    return null;
  }

  /**
   * Frees room by dropping every second pending entry `droppable` picks (the oldest of them
   * kept, a last single one dropped too), as often as needed until `needed` (in `sizeOf`'s
   * units) is freed or none is left, then rewrites the log. Told of each round's count.
   * Returns what was freed.
   */
  thin(needed: number, droppable: (entry: E, seq: number) => boolean, sizeOf: (entry: E) => number, dropped: (count: number) => void): number {
    let freed = 0;
    while (freed < needed) {
      const picked: number[] = [];
      for (let i = 0; i < this.pending.length; i++) if (droppable(this.pending[i].entry, this.pending[i].seq)) picked.push(i);
      if (!picked.length) break;
      const drop: { [i: string]: boolean } = {};
      for (let k = picked.length === 1 ? 0 : 1; k < picked.length; k += 2) {
        drop[picked[k]] = true;
        freed += sizeOf(this.pending[picked[k]].entry);
      }
      // The entries not dropped stay, without done marks: the compact() below writes the log
      // again (a filter loop, not a callback: a closure over this loop's `drop` would make
      // tsc's ES5 loop a function of its own).
      const kept: OutboxEntry<E>[] = [];
      for (let i = 0; i < this.pending.length; i++) if (drop[i] !== true) kept.push(this.pending[i]);
      this.pending = kept;
      dropped(Math.floor(picked.length / 2) || 1);
    }
    this.compact();
    return freed;
  }

  /** Appends one of the configuration's own records. */
  appendOwn(record: object): void {
    this.append(JSON.stringify(record));
  }

  /** Rewrites the log with the configuration's own records and what is pending (one atomic replace). */
  compact(): void {
    const lines: string[] = [];
    const own = this.config.ownRecords ? this.config.ownRecords(this.nextSeq) : [];
    for (let i = 0; i < own.length; i++) lines.push(JSON.stringify(own[i]));
    for (let i = 0; i < this.pending.length; i++) lines.push(this.config.encode(this.pending[i].seq, this.pending[i].entry));
    if (lines.length) this.storage.set(this.config.file, lines.join('\n') + '\n');
    else this.storage.remove(this.config.file);
    this.recordsInLog = lines.length;
  }

  private append(text: string): void {
    this.storage.append(this.config.file, text);
    this.recordsInLog++;
  }

  private replay(): void {
    const config = this.config;
    const lines = this.storage.records(config.file);
    const bySeq: { [seq: string]: E } = {};
    const order: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      let r: any;
      try {
        r = JSON.parse(lines[i]);
      } catch (e) {
        if (config.unreadable) config.unreadable();
        continue;
      }
      if (r === null || typeof r !== 'object') continue;
      if (typeof r.q === 'number') {
        const entry = config.decode(r);
        if (entry === null) continue;
        bySeq[r.q] = entry;
        order.push(r.q);
        this.reserveSeq(r.q + 1);
        if (config.replayEntry) config.replayEntry(r.q, entry);
      } else if (typeof r.d === 'number') {
        if (Object.prototype.hasOwnProperty.call(bySeq, String(r.d))) {
          if (config.replayDone) config.replayDone(r.d, bySeq[r.d]);
          delete bySeq[r.d];
        }
      } else if (config.replayOwn) {
        const floor = config.replayOwn(r);
        if (typeof floor === 'number') this.reserveSeq(floor);
      }
    }
    for (let i = 0; i < order.length; i++) {
      if (Object.prototype.hasOwnProperty.call(bySeq, String(order[i]))) this.pending.push({ seq: order[i], entry: bySeq[order[i]] });
    }
    this.compact();
  }
}
