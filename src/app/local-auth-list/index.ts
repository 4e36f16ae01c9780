// The Local Auth List Management profile as a station feature.
import { StationFeature } from '../feature';
import { LocalAuthList } from './local-auth-list';

export const localAuthListFeature: StationFeature = {
  name: 'local-auth-list',
  profile: 'LocalAuthListManagement',
  install: (station) => {
    const localList = new LocalAuthList(station);
    station.features.localList = localList;
    return { routes: localList.routes() };
  },
};
