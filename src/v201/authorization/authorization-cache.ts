// The authorization cache (OCPP 2.0.1 part 2 C 1.3, C10-C12): the IdTokenInfo the CSMS last
// gave for each idToken (AuthorizeResponse, TransactionEventResponse), kept in one storage
// file, so that a known driver can start at once (LocalPreAuthorize) or while the CSMS is
// unreachable (LocalAuthorizeOffline). An entry lives AuthCacheCtrlr.LifeTime seconds after
// it was last used, or until its cacheExpiryDateTime; when the cache is full, the entry used
// longest ago goes (AuthCacheCtrlr.Policy LRU).
import { IdToken, IdTokenInfo } from '../../ocpp/v201/generated/types';

interface Entry {
  /** The idToken, lower case (IdToken is case-insensitive), and its type. */
  t: string;
  k: string;
  i: IdTokenInfo;
  /** Last used, ms. */
  u: number;
}

interface StorageLike {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

const FILE = 'auth-cache.json';

export class AuthorizationCache {
  /** Most recently used last. */
  private entries: Entry[] = [];

  constructor(private readonly storage: StorageLike, readonly capacity: number) {
    const text = storage.get(FILE);
    if (!text) return;
    try {
      const stored = JSON.parse(text);
      if (Object.prototype.toString.call(stored) === '[object Array]') this.entries = stored;
    } catch (e) {
      // damaged: start empty, the CSMS is asked again
    }
  }

  /** What the cache holds for an idToken, null when nothing valid: entries past their expiry or LifeTime are dropped (C10). */
  lookup(idToken: IdToken, nowMs: number, lifeTimeSeconds: number): IdTokenInfo | null {
    const i = this.indexOf(idToken);
    if (i < 0) return null;
    const entry = this.entries[i];
    const expiry = entry.i.cacheExpiryDateTime ? Date.parse(entry.i.cacheExpiryDateTime) : NaN;
    if ((!isNaN(expiry) && expiry <= nowMs) || (lifeTimeSeconds > 0 && entry.u + lifeTimeSeconds * 1000 <= nowMs)) {
      this.entries.splice(i, 1);
      this.save();
      return null;
    }
    entry.u = nowMs;
    this.entries.splice(i, 1);
    this.entries.push(entry);
    return entry.i;
  }

  /** Remembers what the CSMS said about an idToken (C10). */
  update(idToken: IdToken, info: IdTokenInfo, nowMs: number): void {
    const i = this.indexOf(idToken);
    if (i >= 0) this.entries.splice(i, 1);
    const kept: IdTokenInfo = { status: info.status };
    if (info.cacheExpiryDateTime) kept.cacheExpiryDateTime = info.cacheExpiryDateTime;
    if (info.groupIdToken) kept.groupIdToken = info.groupIdToken;
    this.entries.push({ t: idToken.idToken.toLowerCase(), k: idToken.type, i: kept, u: nowMs });
    while (this.entries.length > this.capacity) this.entries.shift();
    this.save();
  }

  clear(): void {
    this.entries = [];
    this.storage.remove(FILE);
  }

  size(): number {
    return this.entries.length;
  }

  /** Bytes the cache takes in storage (AuthCacheCtrlr.Storage). */
  bytes(): number {
    return this.entries.length ? JSON.stringify(this.entries).length : 0;
  }

  private indexOf(idToken: IdToken): number {
    const wanted = idToken.idToken.toLowerCase();
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i].t === wanted && this.entries[i].k === idToken.type) return i;
    return -1;
  }

  private save(): void {
    if (this.entries.length) this.storage.set(FILE, JSON.stringify(this.entries));
    else this.storage.remove(FILE);
  }
}
