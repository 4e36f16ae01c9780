// SendLocalList (OCPP 1.6 section 5.15): a Full or Differential update of the local list
// (local-auth-list.ts, resident with its lookup and version). The part local-list-update-part.ts
// (src/lib/parts.ts), opened for the CALL and let go on a later turn. Nothing changes unless
// Accepted.
import { Hal } from '../../../hal/index';
import { Configuration } from '../core/configuration';
import { IdTagInfo } from '../core/authorization-cache';
import { AuthorizationData, UpdateStatus, UpdateType } from '../../ocpp/v16/generated/types';

/** The list's entries by idTag in lower case (IdToken is case-insensitive), with a prefix no real key has ("#"). */
export type LocalListEntries = { [key: string]: [string, IdTagInfo] };

/** What an update changes of the local list (local-auth-list.ts's LocalAuthList). */
export interface LocalList {
  readonly station: { readonly hal: Hal; readonly config: Configuration };
  readonly enabled: boolean;
  listVersion: number;
  entries: LocalListEntries;
  count: number;
  put(idTag: string, info: IdTagInfo): void;
  save(): void;
}

export interface LocalListUpdate {
  update(listVersion: number, updateType: UpdateType, list: AuthorizationData[]): UpdateStatus;
}

export function localListUpdate(localList: LocalList): LocalListUpdate {
  return {
    update: (listVersion, updateType, list) => {
      const status = apply(localList, listVersion, updateType, list);
      localList.station.hal.log.info('SendLocalList ' + updateType + ' version ' + listVersion + ' (' + list.length + ' entries): ' + status + (status === 'Accepted' ? ', ' + localList.count + ' idTags in the list' : ''));
      return status;
    },
  };
}

function apply(localList: LocalList, listVersion: number, updateType: UpdateType, list: AuthorizationData[]): UpdateStatus {
  const config = localList.station.config;
  if (!localList.enabled) return 'NotSupported';
  if (list.length > config.getInt('SendLocalListMaxLength')) return 'Failed';
  if (updateType === 'Differential' && listVersion <= localList.listVersion) return 'VersionMismatch';
  const before = { entries: localList.entries, count: localList.count };
  if (updateType === 'Full') {
    localList.entries = {};
    localList.count = 0;
  } else {
    const copy: LocalListEntries = {};
    for (const key in localList.entries) copy[key] = localList.entries[key];
    localList.entries = copy;
  }
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (item.idTagInfo) localList.put(item.idTag, item.idTagInfo);
    else drop(localList, item.idTag); // Differential: no idTagInfo means remove
  }
  if (localList.count > config.getInt('LocalAuthListMaxLength')) {
    localList.entries = before.entries;
    localList.count = before.count;
    return 'Failed';
  }
  // Section 5.10: version 0 SHALL indicate that the list is empty, so a list left empty
  // (a Full update without entries, or a Differential removing the last) is version 0,
  // and any newer Differential applies to it.
  localList.listVersion = localList.count ? listVersion : 0;
  localList.save();
  return 'Accepted';
}

function drop(localList: LocalList, idTag: string): void {
  const key = '#' + idTag.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(localList.entries, key)) return;
  delete localList.entries[key];
  localList.count--;
}
