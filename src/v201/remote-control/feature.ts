// Block F, remote control, as a station feature: without the authorization a remote start
// is accepted as the transactions accept every idToken.
import { StationFeature201 } from '../feature';
import { acceptAll } from '../transactions/transactions';
import { installRemoteControl } from './remote-control';

export const remoteControlFeature: StationFeature201 = {
  name: 'remote-control',
  install: (station, parts) => installRemoteControl(station, parts.transactions!, parts.authorizer || acceptAll),
};
