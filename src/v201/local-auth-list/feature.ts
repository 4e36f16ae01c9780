// Block D, the Local Authorization List, as a station feature: the authorization consults it.
import { StationFeature201 } from '../feature';
import { installLocalAuthList } from './local-auth-list';

export const localAuthListFeature: StationFeature201 = {
  name: 'local-auth-list',
  beforeTransactions: true,
  install: (station, parts) => {
    parts.list = installLocalAuthList(station);
  },
};
