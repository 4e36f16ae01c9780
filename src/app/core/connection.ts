// How the station connects under each security profile of the OCPP 1.6 security
// whitepaper (section 2):
//
//   0  no security: the URL as given, no credentials
//   1  Basic auth over ws: "Authorization: Basic base64(<id>:<AuthorizationKey>)"
//   2  TLS + Basic auth: wss, the CSMS certificate verified against the trusted CAs
//   3  TLS with a client certificate: wss, the charge point's certificate and key, no Basic auth
//
// Profiles 2 and 3 always use TLS: a ws:// URL is turned into wss:// on the same host,
// port and path. The host verifies the server certificate against `ca` (or, when the
// station has none, the host's own trusted CAs) and never accepts an unverified one.
import { WebSocketOptions } from '../../../hal/index';
import { base64 } from '../../lib/base64';

export interface Credentials {
  profile: number;
  /** HTTP Basic auth password (the AuthorizationKey key). */
  authorizationKey: string;
  /** PEM of the CAs the CSMS certificate must chain to; '' = the host's trusted CAs. */
  trustedCas: string;
  /** Client certificate (PEM, leaf first) and its key: PEM text, or a key the host holds. */
  clientCert: string;
  clientKey: string;
  clientKeyId: string;
}

export interface ConnectionTarget {
  url: string;
  options: WebSocketOptions;
}

/** The URL (with the station id appended) and the websocket options for a profile. */
export function connectionFor(baseUrl: string, id: string, c: Credentials): ConnectionTarget {
  let url = baseUrl.replace(/\/+$/, '') + '/' + id;
  if (c.profile >= 2) url = url.replace(/^ws:/i, 'wss:');
  const options: WebSocketOptions = { protocols: ['ocpp1.6'] };
  if ((c.profile === 1 || c.profile === 2) && c.authorizationKey) {
    options.headers = { Authorization: 'Basic ' + base64(id + ':' + c.authorizationKey) };
  }
  if (/^wss:/i.test(url) && c.trustedCas) options.ca = c.trustedCas;
  if (c.profile === 3 && c.clientCert) {
    options.cert = c.clientCert;
    if (c.clientKeyId) options.keyId = c.clientKeyId;
    else options.key = c.clientKey;
  }
  return { url, options };
}

/** The profile the settings imply when they do not name one (settings.securityProfile -1). */
export function impliedProfile(url: string, password: string, cert: string, key: string): number {
  const tls = /^wss:/i.test(url);
  if (tls && cert && key) return 3;
  if (password) return tls ? 2 : 1;
  return 0;
}

/** A change to a profile is allowed upward only (whitepaper: "no downgrade"). */
export function isUpgrade(from: number, to: number): boolean {
  return to >= from;
}
