// The features this firmware is built with, in the order they are installed (and started,
// stopped, told of connectors). The Core profile is the station itself. `npm run build --
// --features core,remote-trigger,…` replaces this module in the bundle by one that imports
// only the named ones (build/build.mjs: each import's folder is the feature's name), so the
// rest is not in the bundle at all.
import { StationFeature } from './feature';
import { remoteTriggerFeature } from './remote-trigger/index';
import { reservationFeature } from './reservation/index';
import { smartChargingFeature } from './smart-charging/index';
import { localAuthListFeature } from './local-auth-list/index';
import { firmwareFeature } from './firmware/index';
import { securityFeature } from './security/index';

export const BUILT_IN_FEATURES: StationFeature[] = [remoteTriggerFeature, reservationFeature, smartChargingFeature, localAuthListFeature, firmwareFeature, securityFeature];
