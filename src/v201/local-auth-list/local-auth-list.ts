// Functional block D, the Local Authorization List: the idTokens the CSMS sends with
// SendLocalList (Full or Differential) and its version (GetLocalListVersion), kept in one
// storage file across reboots and power outages (D01.FR.10). Authorization (block C) looks
// tokens up here before the cache (C13, C14). LocalAuthListCtrlr.Enabled false: the list is
// not used, GetLocalListVersion answers 0 (D02.FR.03) and SendLocalList Failed.
import { StationContext } from '../context';
import { AuthorizationData, IdToken, IdTokenInfo, SendLocalListStatusEnum, UpdateEnum } from '../../ocpp/v201/generated/types';

interface Stored {
  version: number;
  entries: AuthorizationData[];
}

const FILE = 'local-auth-list.json';
/** Most idTokens in the list, and in one SendLocalList (LocalAuthListCtrlr.Entries maxLimit, ItemsPerMessage). */
const MAX_ENTRIES = 250;
const ITEMS_PER_MESSAGE = 50;
const BYTES_PER_MESSAGE = 16384;

export interface LocalAuthList {
  /** What the list says about an idToken; null when it is not in the list or the list is disabled. */
  lookup(idToken: IdToken): IdTokenInfo | null;
}

export function installLocalAuthList(station: StationContext): LocalAuthList {
  const { hal, model } = station;
  let version = 0;
  /** By key(idToken). */
  let entries: { [key: string]: AuthorizationData } = {};
  let count = 0;

  const text = hal.storage.get(FILE);
  if (text) {
    try {
      const stored: Stored = JSON.parse(text);
      for (let i = 0; i < stored.entries.length; i++) put(entries, stored.entries[i]);
      count = stored.entries.length;
      version = stored.version;
    } catch (e) {
      hal.log.warning('local authorization list unreadable: none (version 0)');
      entries = {};
      count = 0;
    }
  }

  const enabled = () => model.getBool('LocalAuthListCtrlr', 'Enabled');
  model.add('LocalAuthListCtrlr', [
    { name: 'Enabled', type: 'boolean', mutability: 'ReadWrite', value: 'true' }, // D01.FR.13
    { name: 'Entries', type: 'integer', read: () => String(count), max: MAX_ENTRIES }, // D01.FR.12
    { name: 'ItemsPerMessage', type: 'integer', value: String(ITEMS_PER_MESSAGE), constant: true }, // D01.FR.11
    { name: 'BytesPerMessage', type: 'integer', value: String(BYTES_PER_MESSAGE), constant: true },
  ]);

  function update(versionNumber: number, updateType: UpdateEnum, list: AuthorizationData[]): SendLocalListStatusEnum {
    if (!enabled() || list.length > ITEMS_PER_MESSAGE) return 'Failed';
    if (updateType === 'Differential' && versionNumber <= version) return 'VersionMismatch'; // D01.FR.19
    const next: { [key: string]: AuthorizationData } = {};
    if (updateType === 'Differential') for (const k in entries) next[k] = entries[k];
    let n = updateType === 'Differential' ? count : 0;
    for (let i = 0; i < list.length; i++) {
      const item = list[i];
      const k = key(item.idToken);
      const had = Object.prototype.hasOwnProperty.call(next, k);
      if (item.idTokenInfo) {
        // D01.FR.15 / .16: added, or updated when present (D01.FR.06: each idToken once).
        if (!had) n++;
        put(next, item);
      } else if (had && updateType === 'Differential') {
        delete next[k]; // D01.FR.17
        n--;
      }
    }
    if (n > MAX_ENTRIES) return 'Failed';
    entries = next;
    count = n;
    version = versionNumber; // D01.FR.04 / .05: the version is taken even when the list is emptied or unchanged
    const stored: Stored = { version, entries: [] };
    for (const k in entries) stored.entries.push(entries[k]);
    hal.storage.set(FILE, JSON.stringify(stored));
    return 'Accepted';
  }

  station.route({
    GetLocalListVersion: { on: () => ({ versionNumber: enabled() ? version : 0 }) }, // D02.FR.01-03
    SendLocalList: {
      on: (p) => {
        // D01.FR.11: at most ItemsPerMessage entries and BytesPerMessage bytes (of the request's JSON).
        const status = JSON.stringify(p).length > BYTES_PER_MESSAGE ? 'Failed' : update(p.versionNumber, p.updateType, p.localAuthorizationList || []);
        hal.log.info('SendLocalList ' + p.updateType + ' version ' + p.versionNumber + ': ' + status + ' (' + count + ' idTokens)');
        return { status };
      },
    },
  });

  return {
    lookup: (idToken) => {
      if (!enabled()) return null;
      const k = key(idToken);
      return Object.prototype.hasOwnProperty.call(entries, k) ? entries[k].idTokenInfo || null : null;
    },
  };
}

/** IdTokens are case-insensitive; the type is part of the identity. */
function key(idToken: IdToken): string {
  return '#' + idToken.type + ':' + idToken.idToken.toLowerCase();
}

function put(table: { [key: string]: AuthorizationData }, item: AuthorizationData): void {
  const kept: AuthorizationData = { idToken: { idToken: item.idToken.idToken, type: item.idToken.type } };
  if (item.idTokenInfo) {
    const info: IdTokenInfo = { status: item.idTokenInfo.status };
    if (item.idTokenInfo.cacheExpiryDateTime) info.cacheExpiryDateTime = item.idTokenInfo.cacheExpiryDateTime;
    if (item.idTokenInfo.groupIdToken) info.groupIdToken = item.idTokenInfo.groupIdToken;
    kept.idTokenInfo = info;
  }
  table[key(item.idToken)] = kept;
}
