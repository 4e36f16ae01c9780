// The Remote Trigger profile as a station feature: TriggerMessage over the station's trigger
// registry (which the Core and the other features fill whether or not this is installed:
// ExtendedTriggerMessage of the security extension uses it too).
import { StationFeature } from '../feature';
import { remoteTriggerRoutes } from './trigger-routes';

export const remoteTriggerFeature: StationFeature = {
  name: 'remote-trigger',
  profile: 'RemoteTrigger',
  install: (station) => ({ routes: remoteTriggerRoutes(station.triggers) }),
};
