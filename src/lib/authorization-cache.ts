// The authorization cache of either OCPP version: what the CSMS last said about each idToken
// (the version's IdTagInfo or IdTokenInfo), kept in one storage file so that a known driver
// can start at once or charge while the CSMS is unreachable. Bounded: when full, the entry at
// the front goes, the one confirmed (or, when lookups count as uses, used) longest ago.
//
// The version's module says how a token is keyed, which fields of the CSMS's answer an entry
// keeps and what a lookup reports of an entry (its expiry rules).
import { Storage } from '../../hal/index';
import { saveList } from './stored-list';

interface Entry<Info> {
  /** The token's key. */
  t: string;
  i: Info;
  /** Last used, ms (only when lookups count as uses). */
  u?: number;
}

export interface AuthorizationCacheOptions<Token, Info> {
  /** The storage file. */
  file: string;
  /** Entries kept at most. */
  capacity: number;
  /** The key a token is found by (idTokens compare case-insensitively: lower case). */
  key(token: Token): string;
  /** The fields of the CSMS's answer an entry keeps. */
  kept(info: Info): Info;
  /**
   * What a lookup at nowMs reports of an entry (usedMs: when it was last used, when lookups
   * count as uses); null: the entry has ended, it is dropped.
   */
  found(info: Info, nowMs: number, usedMs: number): Info | null;
  /**
   * A lookup is a use (least recently used goes first, each entry records its last use);
   * otherwise only an update moves an entry back, and one that changes nothing writes nothing.
   */
  lookupIsUse: boolean;
}

export class AuthorizationCache<Token, Info> {
  /** The front goes first. */
  private entries: Entry<Info>[] = [];

  constructor(private readonly storage: Storage, private readonly options: AuthorizationCacheOptions<Token, Info>) {
    const text = storage.get(options.file);
    if (!text) return;
    try {
      const stored = JSON.parse(text);
      if (Object.prototype.toString.call(stored) === '[object Array]') this.entries = stored.filter((e: Entry<Info>) => e && typeof e.t === 'string' && e.i);
    } catch (e) {
      // damaged: start empty, the CSMS is asked again
    }
  }

  /** What the cache holds for a token at nowMs, null when nothing (or the entry has ended). */
  lookup(token: Token, nowMs: number): Info | null {
    const i = this.indexOf(token);
    if (i < 0) return null;
    const entry = this.entries[i];
    const info = this.options.found(entry.i, nowMs, entry.u || 0);
    if (!info) {
      this.entries.splice(i, 1);
      this.save();
      return null;
    }
    if (this.options.lookupIsUse) {
      // kept in memory only: the stored order is the one of the last update
      entry.u = nowMs;
      this.entries.splice(i, 1);
      this.entries.push(entry);
    }
    return info;
  }

  /** Remembers what the CSMS said about a token. */
  update(token: Token, info: Info, nowMs?: number): void {
    const entry: Entry<Info> = { t: this.options.key(token), i: this.options.kept(info) };
    if (this.options.lookupIsUse) entry.u = nowMs;
    const i = this.indexOf(token);
    if (i >= 0) {
      if (JSON.stringify(this.entries[i]) === JSON.stringify(entry)) return; // no write
      this.entries.splice(i, 1);
    }
    this.entries.push(entry);
    while (this.entries.length > this.options.capacity) this.entries.shift();
    this.save();
  }

  /** What the cache holds for a token, as stored (no expiry applied, no use counted): null when nothing. */
  peek(token: Token): Info | null {
    const i = this.indexOf(token);
    return i < 0 ? null : this.entries[i].i;
  }

  /** Forgets a token; true when the cache held it. */
  remove(token: Token): boolean {
    const i = this.indexOf(token);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    this.save();
    return true;
  }

  clear(): void {
    this.entries = [];
    this.storage.remove(this.options.file);
  }

  size(): number {
    return this.entries.length;
  }

  /** Bytes the cache takes in storage. */
  bytes(): number {
    return this.entries.length ? JSON.stringify(this.entries).length : 0;
  }

  private indexOf(token: Token): number {
    const wanted = this.options.key(token);
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i].t === wanted) return i;
    return -1;
  }

  private save(): void {
    saveList(this.storage, this.options.file, this.entries);
  }
}
