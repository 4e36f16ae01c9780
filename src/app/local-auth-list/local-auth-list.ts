// Local Auth List Management profile (OCPP 1.6 sections 3.5.3, 5.10, 5.15): the list of
// idTags the CSMS sends (SendLocalList, Full or Differential) with its version
// (GetLocalListVersion). authorization.ts consults it before the authorization cache:
// offline with LocalAuthorizeOffline, and online with LocalPreAuthorize. Kept in storage
// (local-auth-list.json), so it survives a reboot. LocalAuthListEnabled false: the list is
// neither used nor updated, and its version is reported as -1.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { Routes } from '../routes';
import { IdTagInfo } from '../core/authorization-cache';
import { AuthorizationData, UpdateStatus, UpdateType } from '../../ocpp/v16/generated/types';
export { UpdateStatus };

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

export class LocalAuthList {
  private listVersion = 0;
  /** By idTag in lower case (IdToken is case-insensitive), with a prefix no real key has ("#"). */
  private entries: { [key: string]: [string, IdTagInfo] } = {};
  private count = 0;

  constructor(private readonly station: LocalAuthListContext) {
    // Section 9.2.
    station.config.addKeys({
      LocalAuthListEnabled: { value: 'true', kind: 'bool' },
      LocalAuthListMaxLength: { value: '200', kind: 'int', readonly: true },
      SendLocalListMaxLength: { value: '50', kind: 'int', readonly: true },
    });
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
      SendLocalList: { on: (p) => ({ status: this.update(p.listVersion, p.updateType, p.localAuthorizationList || []) }) },
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

  /** SendLocalList (section 5.15). Nothing changes unless Accepted. */
  update(listVersion: number, updateType: UpdateType, list: AuthorizationData[]): UpdateStatus {
    const log = this.station.hal.log;
    const status = this.apply(listVersion, updateType, list);
    log.info('SendLocalList ' + updateType + ' version ' + listVersion + ' (' + list.length + ' entries): ' + status + (status === 'Accepted' ? ', ' + this.count + ' idTags in the list' : ''));
    return status;
  }

  private apply(listVersion: number, updateType: UpdateType, list: AuthorizationData[]): UpdateStatus {
    const config = this.station.config;
    if (!this.enabled) return 'NotSupported';
    if (list.length > config.getInt('SendLocalListMaxLength')) return 'Failed';
    if (updateType === 'Differential' && listVersion <= this.listVersion) return 'VersionMismatch';
    const before = { entries: this.entries, count: this.count };
    if (updateType === 'Full') {
      this.entries = {};
      this.count = 0;
    } else {
      const copy: { [key: string]: [string, IdTagInfo] } = {};
      for (const key in this.entries) copy[key] = this.entries[key];
      this.entries = copy;
    }
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      if (item.idTagInfo) this.put(item.idTag, item.idTagInfo);
      else this.drop(item.idTag); // Differential: no idTagInfo means remove
    }
    if (this.count > config.getInt('LocalAuthListMaxLength')) {
      this.entries = before.entries;
      this.count = before.count;
      return 'Failed';
    }
    // Section 5.10: version 0 SHALL indicate that the list is empty, so a list left empty
    // (a Full update without entries, or a Differential removing the last) is version 0,
    // and any newer Differential applies to it.
    this.listVersion = this.count ? listVersion : 0;
    this.save();
    return 'Accepted';
  }

  private put(idTag: string, info: IdTagInfo): void {
    const key = '#' + idTag.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(this.entries, key)) this.count++;
    const copy: IdTagInfo = { status: info.status };
    if (info.expiryDate) copy.expiryDate = info.expiryDate;
    if (info.parentIdTag) copy.parentIdTag = info.parentIdTag;
    this.entries[key] = [idTag, copy];
  }

  private drop(idTag: string): void {
    const key = '#' + idTag.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(this.entries, key)) return;
    delete this.entries[key];
    this.count--;
  }

  private save(): void {
    const stored: Stored = { version: this.listVersion, entries: [] };
    for (const key in this.entries) stored.entries.push(this.entries[key]);
    this.station.hal.storage.set(FILE, JSON.stringify(stored));
  }
}
