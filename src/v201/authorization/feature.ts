// Block C, authorization (with the local list when installed, and the cache), as a station
// feature: the transactions' and the remote start's authorizer.
import { StationFeature201 } from '../feature';
import { installAuthorization } from './authorization';

export const authorizationFeature: StationFeature201 = {
  name: 'authorization',
  beforeTransactions: true,
  install: (station, parts) => {
    parts.authorizer = installAuthorization(station, parts.list || null);
  },
};
