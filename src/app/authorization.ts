// Is this idTag allowed to charge? (OCPP 1.6 sections 3.5 and 4.2)
//
// Online: with LocalPreAuthorize an idTag the cache knows as Accepted starts at once;
// otherwise the CSMS is asked (Authorize) and the answer cached. Offline (or the CSMS does
// not answer): with LocalAuthorizeOffline the cache decides for the tags it knows; an
// unknown tag is let in only with AllowOfflineTxForUnknownId.
import { AuthorizationCache, IdTagInfo } from './authorization-cache';
import { Configuration } from './configuration';
import { Hal } from '../../hal/index';

/** What Authorization needs of the station. */
export interface AuthorizationContext {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly cache: AuthorizationCache;
  readonly online: boolean;
  call(action: string, payload: object): Promise<any>;
}

export class Authorization {
  constructor(private readonly station: AuthorizationContext) {}

  /** The idTagInfo that decides (status 'Accepted' = may charge). Never rejects. */
  authorize(idTag: string): Promise<IdTagInfo> {
    const s = this.station;
    const cacheOn = s.config.getBool('AuthorizationCacheEnabled');
    if (s.online) {
      if (cacheOn && s.config.getBool('LocalPreAuthorize')) {
        const cached = s.cache.lookup(idTag, s.hal.now());
        if (cached && cached.status === 'Accepted') {
          s.hal.log.info('idTag ' + idTag + ' Accepted from the authorization cache');
          return Promise.resolve(cached);
        }
      }
      return s.call('Authorize', { idTag }).then(
        (conf: any) => {
          const info: IdTagInfo = conf.idTagInfo;
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
    if (this.station.config.getBool('AuthorizationCacheEnabled')) this.station.cache.update(idTag, info);
  }

  private offline(idTag: string): IdTagInfo {
    const s = this.station;
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
