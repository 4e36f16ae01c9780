// Block L, firmware management, as a station feature: a signing certificate is checked
// against block M's ManufacturerRootCertificates, its security events are block A's, each
// when installed.
import { StationFeature201 } from '../feature';
import { SecurityEventType } from '../security/security';
import { installFirmware } from './firmware';

export const firmwareFeature: StationFeature201 = {
  name: 'firmware',
  install: (station, { security, certificates }) => {
    installFirmware(station, {
      manufacturerRoots: certificates && (() => certificates.pemsOf('ManufacturerRootCertificate')),
      raise: security && ((type, techInfo) => security.raise(type as SecurityEventType, techInfo)),
    });
  },
};
