// Block M, certificate management, as a station feature (also the TLS credentials); its
// InvalidChargingStationCertificate is block A's security event when that is installed.
import { StationFeature201 } from '../feature';
import { installCertificates } from './certificates';

export const certificatesFeature: StationFeature201 = {
  name: 'certificates',
  beforeTransactions: true,
  install: (station, parts) => {
    const security = parts.security;
    parts.certificates = installCertificates(station, security && security.raise);
  },
};
