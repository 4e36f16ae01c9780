// The authorization cache (OCPP 1.6 section 3.5.1): the idTagInfo the CSMS last gave for
// each idTag (from Authorize.conf, StartTransaction.conf, StopTransaction.conf), kept in
// storage, so that with LocalPreAuthorize a known driver starts at once and with
// LocalAuthorizeOffline a known driver can charge while the CSMS is unreachable.
// Bounded: when full, the entry the CSMS confirmed longest ago goes (src/lib/authorization-cache.ts
// configured with the 1.6 rules).
import { AuthorizationStatus, IdTagInfo } from '../../ocpp/v16/generated/types';
import { Storage } from '../../../hal/index';
import { AuthorizationCache as Cache } from '../../lib/authorization-cache';
export { AuthorizationStatus, IdTagInfo };

export class AuthorizationCache extends Cache<string, IdTagInfo> {
  constructor(storage: Storage, capacity: number = 32) {
    super(storage, {
      file: 'authorization-cache.json',
      capacity,
      // idTags are compared case-insensitively (IdToken is a CiString20).
      key: (idTag) => idTag.toLowerCase(),
      kept: (info) => {
        const copy: IdTagInfo = { status: info.status };
        if (info.expiryDate) copy.expiryDate = info.expiryDate;
        if (info.parentIdTag) copy.parentIdTag = info.parentIdTag;
        return copy;
      },
      // An Accepted entry whose expiryDate has passed is reported Expired (section 3.5.1).
      found: (info, nowMs) => {
        if (info.status === 'Accepted' && info.expiryDate) {
          const expiry = Date.parse(info.expiryDate);
          if (!isNaN(expiry) && expiry <= nowMs) return { status: 'Expired', expiryDate: info.expiryDate };
        }
        return info;
      },
      lookupIsUse: false,
    });
  }
}
