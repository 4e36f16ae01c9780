// The boot of the OCPP 2.0.1 station, shared by both its entries: the firmware
// (src/main-201.ts, on the charger's IO from the host) and the simulator's bundle
// (src/main-sim-201.ts, on the simulated EV and meter with the 2.0.1 scenarios). This is the
// 2.0.1 station's composition root: the station (src/v201/station.ts: session, device model,
// routes) and the features it is built with; a build leaves a feature out by leaving its line
// out (without the local list authorization is given null, without authorization the
// transactions take `acceptAll`).
import { Hal } from '../hal/index';
import { Hardware } from '../hal/hardware';
import { Settings } from '../hal/settings';
import { Station } from './v201/station';
import { openChargePointLink } from './v201/link';
import { deviceModel } from './v201/device-model/index';
import { provisioning } from './v201/provisioning/index';
import { availability } from './v201/availability/index';
import { installLocalAuthList } from './v201/local-auth-list/local-auth-list';
import { installAuthorization } from './v201/authorization/authorization';
import { installTransactions, TransactionsFeature } from './v201/transactions/transactions';
import { installMeterValues } from './v201/meter-values/meter-values';
import { installRemoteControl } from './v201/remote-control/remote-control';
import { installDataTransfer } from './v201/data-transfer/data-transfer';
import { installFirmware } from './v201/firmware/firmware';
import { installSecurity, SecurityEventType } from './v201/security/security';
import { installCertificates } from './v201/certificates/certificates';
import { installLogUpload } from './v201/diagnostics/log-upload';
import { installCustomerInformation } from './v201/diagnostics/customer-information';
import { BootOptions, STATION_BASE_SETTINGS, bootOn } from './lib/station-boot';

/** The settings the 2.0.1 station itself acts on (hal/settings.ts). */
export const STATION_201_SETTINGS: Array<keyof Settings> = STATION_BASE_SETTINGS.concat(['duration']);

export interface Station201Boot<H extends Hardware> extends BootOptions<H> {
  /** Runs once the station is built, before it connects. */
  attach?: (station: Station, transactions: TransactionsFeature, hardware: H) => void;
}

/**
 * Boots the 2.0.1 station: declares the settings, builds it with its features on the
 * hardware and starts it. Without a CSMS URL or station id it ends the program with 2.
 * The station is built once the bundle's top level has returned (src/lib/after-top-level.ts).
 * Resolves to the running station (null: nothing to connect to, or it could not be built).
 */
export function bootStation201<H extends Hardware>(hal: Hal, boot: Station201Boot<H>): Promise<Station | null> {
  const identity = (s: Settings) => ['boot: OCPP 2.0.1 station ' + s.id + ', ' + s.connectors + ' EVSE(s), CSMS ' + s.url];
  return bootOn(hal, boot, identity, (hardware) => build(hal, boot, hardware));
}

/** The 2.0.1 station with its features, started. */
function build<H extends Hardware>(hal: Hal, boot: Station201Boot<H>, hardware: H): Station {
  const settings = hal.settings;
  const station = new Station(hal, hardware, openChargePointLink(hal));
  station.install(deviceModel).install(provisioning).install(availability);
  // Block A's security events (the security profiles are the session's), block M's certificates (also the TLS credentials).
  const security = installSecurity(station);
  const certificates = installCertificates(station, security.raise);
  // Blocks D, C, E, J, F: each takes what it builds on.
  const list = installLocalAuthList(station);
  const authorizer = installAuthorization(station, list);
  const transactions = installTransactions(station, authorizer);
  installMeterValues(station, transactions);
  installRemoteControl(station, transactions, authorizer);
  // L: a signing certificate checked against M's ManufacturerRootCertificates, its security events A's.
  installFirmware(station, { manufacturerRoots: () => certificates.pemsOf('ManufacturerRootCertificate'), raise: (type, techInfo) => security.raise(type as SecurityEventType, techInfo) });
  // N: GetLog with A's security log; CustomerInformation over C's cache and D's list.
  installLogUpload(station, { securityLog: () => security.events.securityLog() });
  installCustomerInformation(station, { cache: authorizer.cache, list });
  installDataTransfer(station); // P: UnknownVendorId until an entry of one's own registers a vendor
  if (boot.attach) boot.attach(station, transactions, hardware);
  station.start();
  // A scenario uses `duration` itself (the session's length, idle's end); otherwise it is how long the station runs.
  if (settings.duration > 0 && (!settings.scenario || settings.scenario === 'none')) {
    hal.setTimeout(() => {
      hal.log.info('duration over: closing');
      station.stop();
      hal.exit(0);
    }, settings.duration * 1000);
  }
  return station;
}
