// Block N, diagnostics, as a station feature: GetLog (with block A's security log when
// installed) and CustomerInformation (over C's cache and D's list, those installed).
import { StationFeature201 } from '../feature';
import { installLogUpload } from './log-upload';
import { installCustomerInformation } from './customer-information';

export const diagnosticsFeature: StationFeature201 = {
  name: 'diagnostics',
  install: (station, { security, authorizer, list }) => {
    installLogUpload(station, security && { securityLog: () => security.events.securityLog() });
    installCustomerInformation(station, { cache: authorizer && authorizer.cache, list });
  },
};
