// The security extension (OCPP 1.6 security whitepaper) as a station feature. Installed, it
// is also how the CSMS session connects (its SecurityProfile and keys) and what it tells of
// links, clock jumps and invalid messages; without it the station connects with the
// settings' credentials (core/settings-connection.ts).
import { StationFeature } from '../feature';
import { Security } from './security';
import { securityRoutes } from './security-routes';

export const securityFeature: StationFeature = {
  name: 'security',
  profile: null,
  install: (station) => {
    const security = new Security(station);
    station.features.security = security;
    return {
      routes: securityRoutes(security, station.triggers),
      start: () => security.start(),
      stop: () => security.stop(),
      connectorChanged: () => security.connectorChanged(),
    };
  },
};
