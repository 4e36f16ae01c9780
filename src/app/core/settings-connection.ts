// The CSMS session's security when the security extension is not built in (or for a station
// of one's own without it): the connection the settings describe — their securityProfile, or
// the one their URL, password and certificate imply — with the settings' password, CA and
// client certificate; nothing to report of links, clocks or invalid messages.
import { Settings } from '../../../hal/settings';
import { connectionFor, impliedProfile } from './connection';
import { SessionSecurity } from './csms-session';

export function settingsConnection(s: Settings): SessionSecurity {
  const profile = s.securityProfile >= 0 && s.securityProfile <= 3 ? s.securityProfile : impliedProfile(s.url, s.password, s.cert, s.key);
  const credentials = { profile, authorizationKey: s.password, trustedCas: s.ca, clientCert: s.cert, clientKey: s.key, clientKeyId: '' };
  const nothing = () => {};
  return {
    connection: () => connectionFor(s.url, s.id, credentials),
    linkUp: nothing,
    linkDown: nothing,
    online: nothing,
    offline: nothing,
    invalidMessage: nothing,
    clockSet: nothing,
  };
}
