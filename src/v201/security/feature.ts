// Block A, security events, as a station feature: what the others raise their events through.
import { StationFeature201 } from '../feature';
import { installSecurity } from './security';

export const securityFeature: StationFeature201 = {
  name: 'security',
  beforeTransactions: true,
  install: (station, parts) => {
    parts.security = installSecurity(station);
  },
};
