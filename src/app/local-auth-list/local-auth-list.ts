// Local Auth List Management profile (OCPP 1.6 sections 3.5.3, 5.10, 5.15): the list of
// idTags the CSMS sends (SendLocalList, Full or Differential) with its version
// (GetLocalListVersion). authorization.ts consults it before the authorization cache:
// offline with LocalAuthorizeOffline, and online with LocalPreAuthorize. Kept in storage
// (local-auth-list.json), so it survives a reboot. LocalAuthListEnabled false: the list is
// neither used nor updated, and its version is reported as -1. The lookup and the version are
// resident; a SendLocalList's update is the part local-list-update.ts (src/lib/parts.ts),
// opened for the CALL.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Routes } from '../routes';
import { IdTagInfo } from '../core/authorization-cache';
import { TurnHolder } from '../../lib/turn-holder';
import { localListUpdatePart } from './local-list-update-part';
import type { LocalList, LocalListEntries, LocalListUpdate } from './local-list-update';

export interface LocalAuthListContext {
  readonly hal: Hal;
  readonly config: Configuration;
}

interface Stored {
  version: number;
  /** [idTag, idTagInfo] pairs: the idTag as the CSMS wrote it. */
  entries: [string, IdTagInfo][];
}

const FILE = 'local-auth-list.json';

export class LocalAuthList implements LocalList {
  /** The list's version, its entries and their number (what an update changes: local-list-update.ts). */
  listVersion = 0;
  entries: LocalListEntries = {};
  count = 0;
  private readonly updates: TurnHolder<LocalList, LocalListUpdate>;

  constructor(readonly station: LocalAuthListContext) {
    // Section 9.2.
    station.config.addKeys({
      LocalAuthListEnabled: { value: 'true', kind: 'bool' },
      LocalAuthListMaxLength: { value: '200', kind: 'int', readonly: true },
      SendLocalListMaxLength: { value: '50', kind: 'int', readonly: true },
    });
    this.updates = new TurnHolder<LocalList, LocalListUpdate>(station.hal, localListUpdatePart, this);
    const text = station.hal.storage.get(FILE);
    if (!text) return;
    try {
      const stored: Stored = JSON.parse(text);
      this.listVersion = stored.version;
      for (let i = 0; i < stored.entries.length; i++) this.put(stored.entries[i][0], stored.entries[i][1]);
    } catch (e) {
      station.hal.log.warning('local authorization list unreadable: empty (version 0)');
      this.listVersion = 0;
      this.entries = {};
      this.count = 0;
    }
  }

  routes(): Routes {
    return {
      GetLocalListVersion: { on: () => ({ listVersion: this.version() }) },
      SendLocalList: { on: (p) => ({ status: this.updates.open('SendLocalList').update(p.listVersion, p.updateType, p.localAuthorizationList || []) }) },
    };
  }

  get enabled(): boolean {
    return this.station.config.getBool('LocalAuthListEnabled');
  }

  /** GetLocalListVersion: -1 when the list is disabled, 0 when it is empty. */
  version(): number {
    return this.enabled ? this.listVersion : -1;
  }

  size(): number {
    return this.count;
  }

  /** What the list says about an idTag (null: not in it, or the list is disabled). A passed expiryDate reads Expired. */
  lookup(idTag: string): IdTagInfo | null {
    if (!this.enabled) return null;
    const key = '#' + idTag.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(this.entries, key)) return null;
    const info = this.entries[key][1];
    if (info.status === 'Accepted' && info.expiryDate) {
      const expiry = Date.parse(info.expiryDate);
      if (!isNaN(expiry) && expiry <= this.station.hal.now()) return { status: 'Expired', expiryDate: info.expiryDate };
    }
    return info;
  }

  /** Adds or replaces an entry (at load, and in an update). */
  put(idTag: string, info: IdTagInfo): void {
    const key = '#' + idTag.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(this.entries, key)) this.count++;
    const copy: IdTagInfo = { status: info.status };
    if (info.expiryDate) copy.expiryDate = info.expiryDate;
    if (info.parentIdTag) copy.parentIdTag = info.parentIdTag;
    this.entries[key] = [idTag, copy];
  }

  save(): void {
    const stored: Stored = { version: this.listVersion, entries: [] };
    for (const key in this.entries) stored.entries.push(this.entries[key]);
    this.station.hal.storage.set(FILE, JSON.stringify(stored));
  }
}
