// The authorization cache (OCPP 1.6 section 3.5.1): the idTagInfo the CSMS last gave for
// each idTag (from Authorize.conf, StartTransaction.conf, StopTransaction.conf), kept in
// storage, so that with LocalPreAuthorize a known driver starts at once and with
// LocalAuthorizeOffline a known driver can charge while the CSMS is unreachable.
// Bounded: when full, the entry the CSMS confirmed longest ago goes.
import { AuthorizationStatus, IdTagInfo } from '../../ocpp/v16/generated/types';
export { AuthorizationStatus, IdTagInfo };

interface Entry {
  tag: string;
  info: IdTagInfo;
}

interface StorageLike {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

const FILE = 'authorization-cache.json';

export class AuthorizationCache {
  /** Most recently updated last. */
  private entries: Entry[] = [];

  constructor(private readonly storage: StorageLike, private readonly capacity: number = 32) {
    const text = storage.get(FILE);
    if (!text) return;
    try {
      const stored = JSON.parse(text);
      if (Object.prototype.toString.call(stored) === '[object Array]') this.entries = stored;
    } catch (e) {
      // damaged: start empty; the CSMS is asked again
    }
  }

  /**
   * The cached idTagInfo, or null for a tag not in the cache. An Accepted entry whose
   * expiryDate has passed is reported Expired (section 3.5.1).
   */
  lookup(idTag: string, nowMs: number): IdTagInfo | null {
    const i = this.indexOf(idTag);
    if (i < 0) return null;
    const entry = this.entries[i];
    if (entry.info.status === 'Accepted' && entry.info.expiryDate) {
      const expiry = Date.parse(entry.info.expiryDate);
      if (!isNaN(expiry) && expiry <= nowMs) return { status: 'Expired', expiryDate: entry.info.expiryDate };
    }
    return entry.info;
  }

  /** Remembers what the CSMS said about a tag. */
  update(idTag: string, info: IdTagInfo): void {
    const i = this.indexOf(idTag);
    if (i >= 0) {
      const old = this.entries[i].info;
      if (old.status === info.status && old.expiryDate === info.expiryDate && old.parentIdTag === info.parentIdTag) return; // no write
      this.entries.splice(i, 1);
    }
    const copy: IdTagInfo = { status: info.status };
    if (info.expiryDate) copy.expiryDate = info.expiryDate;
    if (info.parentIdTag) copy.parentIdTag = info.parentIdTag;
    this.entries.push({ tag: idTag, info: copy });
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

  private indexOf(idTag: string): number {
    // idTags are compared case-insensitively (IdToken is a CiString20).
    const wanted = idTag.toLowerCase();
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i].tag.toLowerCase() === wanted) return i;
    return -1;
  }

  private save(): void {
    this.storage.set(FILE, JSON.stringify(this.entries));
  }
}
