// Is this idTag allowed to charge? (OCPP 1.6 sections 3.5 and 4.2)
//
// Online: with LocalPreAuthorize an idTag the cache knows as Accepted starts at once;
// otherwise the CSMS is asked (Authorize) and the answer cached. Offline (or the CSMS does
// not answer): with LocalAuthorizeOffline the cache decides for the tags it knows; an
// unknown tag is let in only with AllowOfflineTxForUnknownId. The local authorization list
// (local-auth-list/), when the station has one, is asked before the cache, and the tags
// it holds are not cached (section 3.5.3).
import { AuthorizationCache, IdTagInfo } from './authorization-cache';
import { Configuration } from './configuration';
import { Hal } from '../../../hal/index';
import { AuthorizeRequest, AuthorizeResponse } from '../../ocpp/v16/generated/types';

/** What Authorization needs of the station. */
export interface AuthorizationContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly cache: AuthorizationCache;
  /** The CSMS session: online, Authorize is asked. */
  readonly session: { readonly online: boolean; call(action: 'Authorize', payload: AuthorizeRequest): Promise<AuthorizeResponse> };
}

/** The local authorization list's idTagInfo for a tag, or null (not listed, or no list). */
export type LocalListLookup = (idTag: string) => IdTagInfo | null;

export class Authorization {
  constructor(private readonly station: AuthorizationContext, private readonly localList: LocalListLookup) {
    // Switched off, the cache is emptied: nothing it held decides once it is switched on again.
    station.config.onChange((key) => {
      if (key === 'AuthorizationCacheEnabled' && !station.config.getBool(key)) station.cache.clear();
    });
  }

  /** The idTagInfo that decides (status 'Accepted' = may charge). Never rejects. */
  authorize(idTag: string): Promise<IdTagInfo> {
    const s = this.station;
    const cacheOn = s.config.getBool('AuthorizationCacheEnabled');
    if (s.session.online) {
      const listed = s.config.getBool('LocalPreAuthorize') ? this.localList(idTag) : null;
      if (listed && listed.status === 'Accepted') {
        s.hal.log.info('idTag ' + idTag + ' Accepted from the local authorization list');
        return Promise.resolve(listed);
      }
      if (cacheOn && s.config.getBool('LocalPreAuthorize')) {
        const cached = s.cache.lookup(idTag, s.hal.now());
        if (cached && cached.status === 'Accepted') {
          s.hal.log.info('idTag ' + idTag + ' Accepted from the authorization cache');
          return Promise.resolve(cached);
        }
      }
      return s.session.call('Authorize', { idTag }).then(
        (conf) => {
          const info = conf.idTagInfo;
          this.remember(idTag, info);
          s.hal.log.info('idTag ' + idTag + ' ' + info.status);
          return info;
        },
        (error: any) => {
          s.hal.log.warning('Authorize ' + idTag + ' got no answer (' + (error && error.message) + '); deciding offline');
          return this.offline(idTag);
        }
      );
    }
    return Promise.resolve(this.offline(idTag));
  }

  /** An idTagInfo the CSMS gave (Authorize, Start/StopTransaction) goes into the cache. */
  remember(idTag: string, info: IdTagInfo): void {
    if (this.localList(idTag)) return; // the list's own entry decides for it
    if (this.station.config.getBool('AuthorizationCacheEnabled')) this.station.cache.update(idTag, info);
  }

  private offline(idTag: string): IdTagInfo {
    const s = this.station;
    const listed = s.config.getBool('LocalAuthorizeOffline') ? this.localList(idTag) : null;
    if (listed) {
      s.hal.log.info('idTag ' + idTag + ' ' + listed.status + ' from the local authorization list (offline)');
      return listed;
    }
    if (s.config.getBool('LocalAuthorizeOffline') && s.config.getBool('AuthorizationCacheEnabled')) {
      const cached = s.cache.lookup(idTag, s.hal.now());
      if (cached) {
        s.hal.log.info('idTag ' + idTag + ' ' + cached.status + ' from the authorization cache (offline)');
        return cached;
      }
    }
    if (s.config.getBool('AllowOfflineTxForUnknownId')) {
      s.hal.log.info('idTag ' + idTag + ' unknown, accepted offline (AllowOfflineTxForUnknownId)');
      return { status: 'Accepted' };
    }
    s.hal.log.info('idTag ' + idTag + ' cannot be authorized offline');
    return { status: 'Invalid' };
  }
}
