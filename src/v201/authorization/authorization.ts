// Functional block C, Authorization: whether an idToken may charge. In order:
//   1. the Local Authorization List (block D, when installed and enabled): an Accepted entry
//      authorizes at once when offline with LocalAuthorizeOffline (C13) or online with
//      LocalPreAuthorize (C14);
//   2. the authorization cache (AuthCacheCtrlr.Enabled): the same rules (C12);
//   3. online: AuthorizeRequest, its answer cached (C01, C10);
//   4. offline and unknown: Accepted only with OfflineTxForUnknownIdEnabled (C15).
// A token the list or cache knows as not Accepted is asked of the CSMS again when online
// (C10, C14: the local answer may be out of date), refused when offline.
// Also ClearCache (C11) and the AuthCtrlr / AuthCacheCtrlr variables.
import { StationContext } from '../context';
import { IdToken, IdTokenInfo } from '../../ocpp/v201/generated/types';
import { Authorizer } from '../transactions/transactions';
import { LocalAuthList } from '../local-auth-list/local-auth-list';
import { AuthorizationCache } from './authorization-cache';

/** Entries the cache keeps at most (AuthCacheCtrlr.Storage maxLimit comes from it). */
const CACHE_ENTRIES = 32;

/** The authorizer, and its cache (what CustomerInformation reports and clears of an idToken, N09/N10). */
export interface AuthorizationFeature extends Authorizer {
  readonly cache: AuthorizationCache;
}

export function installAuthorization(station: StationContext, list: LocalAuthList | null): AuthorizationFeature {
  const { hal, model } = station;
  const lifeTime = () => model.getInt('AuthCacheCtrlr', 'LifeTime');
  const cache = new AuthorizationCache(hal.storage, CACHE_ENTRIES, lifeTime);
  const bool = (name: string, value: string) => ({ name, type: 'boolean' as const, mutability: 'ReadWrite' as const, value });
  model.add('AuthCtrlr', [
    bool('Enabled', 'true'),
    bool('AuthorizeRemoteStart', 'false'), // F01, F02: a remote start is authorized by the CSMS already
    bool('LocalAuthorizeOffline', 'true'),
    bool('LocalPreAuthorize', 'false'),
    bool('OfflineTxForUnknownIdEnabled', 'false'),
    bool('DisableRemoteAuthorization', 'false'),
  ]);
  model.add('AuthCacheCtrlr', [
    bool('Enabled', 'true'),
    { name: 'LifeTime', type: 'integer', mutability: 'ReadWrite', value: '86400', unit: 's', min: 0 },
    { name: 'Policy', type: 'OptionList', value: 'LRU', values: 'LRU', constant: true },
    { name: 'Storage', type: 'integer', unit: 'B', read: () => String(cache.bytes()) },
  ]);
  const cacheOn = () => model.getBool('AuthCacheCtrlr', 'Enabled');

  station.route({
    // C11: cleared when the cache is enabled, else Rejected.
    ClearCache: {
      on: () => {
        if (!cacheOn()) return { status: 'Rejected' as const };
        cache.clear();
        return { status: 'Accepted' as const };
      },
    },
  });

  /** What the list, then the cache, knows of a token (null: nothing). */
  const local = (idToken: IdToken): IdTokenInfo | null => {
    const listed = list ? list.lookup(idToken) : null;
    if (listed) return listed;
    return cacheOn() ? cache.lookup(idToken, hal.now()) : null;
  };

  return {
    cache,
    authorize: (idToken) => {
      // AuthCtrlr.Enabled false: every idToken is taken as it is.
      if (!model.getBool('AuthCtrlr', 'Enabled')) return Promise.resolve({ status: 'Accepted' });
      const known = local(idToken);
      const online = station.online;
      if (known && known.status === 'Accepted' && (online ? model.getBool('AuthCtrlr', 'LocalPreAuthorize') : model.getBool('AuthCtrlr', 'LocalAuthorizeOffline'))) {
        return Promise.resolve(known);
      }
      if (!online || model.getBool('AuthCtrlr', 'DisableRemoteAuthorization')) {
        if (known) return Promise.resolve(known.status === 'Accepted' && model.getBool('AuthCtrlr', 'LocalAuthorizeOffline') ? known : { status: known.status === 'Accepted' ? 'Invalid' : known.status });
        return Promise.resolve({ status: model.getBool('AuthCtrlr', 'OfflineTxForUnknownIdEnabled') ? 'Accepted' : 'Unknown' }); // C15
      }
      return station.call('Authorize', { idToken }).then(
        (response) => {
          const info: IdTokenInfo = response.idTokenInfo;
          if (cacheOn()) cache.update(idToken, info, hal.now()); // C10
          return info;
        },
        (error) => {
          // No answer (a timeout, the link went): decided as offline.
          hal.log.warning('Authorize failed: ' + (error && error.message) + '; decided as offline');
          if (known) return known.status === 'Accepted' && model.getBool('AuthCtrlr', 'LocalAuthorizeOffline') ? known : { status: 'Invalid' as const };
          return { status: model.getBool('AuthCtrlr', 'OfflineTxForUnknownIdEnabled') ? ('Accepted' as const) : ('Unknown' as const) };
        }
      );
    },
    learned: (idToken, info) => {
      if (cacheOn()) cache.update(idToken, info, hal.now()); // C10: TransactionEventResponse updates the cache too
    },
    groupOf: (idToken) => {
      const known = local(idToken);
      return known && known.status === 'Accepted' && known.groupIdToken ? known.groupIdToken.idToken : undefined;
    },
  };
}
