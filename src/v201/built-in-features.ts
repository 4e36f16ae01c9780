// The features the 2.0.1 firmware is built with, in the order they are installed (those the
// transactions build on before them, the rest after). The core is the station itself with
// its transactions. `npm run build -- --features core,local-auth-list,…` replaces this module
// in the bundle by one that imports only the named ones (build/features.mjs: each import's
// folder is the feature's name), so the rest is not in the bundle at all.
import { StationFeature201 } from './feature';
import { securityFeature } from './security/feature';
import { certificatesFeature } from './certificates/feature';
import { localAuthListFeature } from './local-auth-list/feature';
import { authorizationFeature } from './authorization/feature';
import { meterValuesFeature } from './meter-values/feature';
import { remoteControlFeature } from './remote-control/feature';
import { firmwareFeature } from './firmware/feature';
import { diagnosticsFeature } from './diagnostics/feature';
import { dataTransferFeature } from './data-transfer/feature';

export const BUILT_IN_FEATURES: StationFeature201[] = [
  securityFeature,
  certificatesFeature,
  localAuthListFeature,
  authorizationFeature,
  meterValuesFeature,
  remoteControlFeature,
  firmwareFeature,
  diagnosticsFeature,
  dataTransferFeature,
];
