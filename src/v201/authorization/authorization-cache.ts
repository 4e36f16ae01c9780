// The authorization cache (OCPP 2.0.1 part 2 C 1.3, C10-C12): the IdTokenInfo the CSMS last
// gave for each idToken (AuthorizeResponse, TransactionEventResponse), kept in one storage
// file, so that a known driver can start at once (LocalPreAuthorize) or while the CSMS is
// unreachable (LocalAuthorizeOffline). An entry lives AuthCacheCtrlr.LifeTime seconds after
// it was last used, or until its cacheExpiryDateTime; when the cache is full, the entry used
// longest ago goes (AuthCacheCtrlr.Policy LRU). src/lib/authorization-cache.ts configured
// with these rules.
import { IdToken, IdTokenInfo } from '../../ocpp/v201/generated/types';
import { Storage } from '../../../hal/index';
import { AuthorizationCache as Cache } from '../../lib/authorization-cache';

export class AuthorizationCache extends Cache<IdToken, IdTokenInfo> {
  /** lifeTimeSeconds: AuthCacheCtrlr.LifeTime (0: no limit). */
  constructor(storage: Storage, capacity: number, lifeTimeSeconds: () => number) {
    super(storage, {
      file: 'auth-cache.json',
      capacity,
      // IdToken is case-insensitive; the same string of another type is another token.
      key: (idToken) => idToken.type + ' ' + idToken.idToken.toLowerCase(),
      kept: (info) => {
        const kept: IdTokenInfo = { status: info.status };
        if (info.cacheExpiryDateTime) kept.cacheExpiryDateTime = info.cacheExpiryDateTime;
        if (info.groupIdToken) kept.groupIdToken = info.groupIdToken;
        return kept;
      },
      // C10: past its expiry or LifeTime an entry is dropped.
      found: (info, nowMs, usedMs) => {
        const expiry = info.cacheExpiryDateTime ? Date.parse(info.cacheExpiryDateTime) : NaN;
        const lifeTime = lifeTimeSeconds();
        if ((!isNaN(expiry) && expiry <= nowMs) || (lifeTime > 0 && usedMs + lifeTime * 1000 <= nowMs)) return null;
        return info;
      },
      lookupIsUse: true,
    });
  }
}
