// The OCPP 1.6 feature profiles beyond Core, in one place: each lives in its own module
// and the station holds them here, so station.ts only registers them (handlers, connector
// changes, start/stop, going online).
import { Routes, addRoutes } from './routes';
import { Connector } from './core/connector';
import { SmartCharging, SmartChargingContext } from './smart-charging/smart-charging';
import { Reservations, ReservationContext } from './reservation/reservations';
import { LocalAuthList, LocalAuthListContext } from './local-auth-list/local-auth-list';
import { Firmware, FirmwareContext } from './firmware/firmware';

export type FeatureProfilesContext = SmartChargingContext & ReservationContext & LocalAuthListContext & FirmwareContext;

export class FeatureProfiles {
  readonly smartCharging: SmartCharging;
  readonly reservations: Reservations;
  readonly localList: LocalAuthList;
  readonly firmware: Firmware;

  constructor(station: FeatureProfilesContext) {
    this.smartCharging = new SmartCharging(station);
    this.reservations = new Reservations(station);
    this.localList = new LocalAuthList(station);
    this.firmware = new Firmware(station);
  }

  /** The CSMS-initiated actions of these profiles, added to the station's table. */
  addRoutes(table: Routes): Routes {
    addRoutes(table, this.smartCharging.routes());
    addRoutes(table, this.reservations.routes());
    addRoutes(table, this.localList.routes());
    return addRoutes(table, this.firmware.routes());
  }

  /** At boot, after the interrupted transactions were stopped. */
  start(): void {
    this.reservations.start();
    this.smartCharging.apply();
    this.firmware.start();
  }

  stop(): void {
    this.smartCharging.stop();
    this.reservations.stop();
    this.firmware.stop();
  }

  /** Booted and connected (first time or again). */
  online(): void {
    this.firmware.online();
  }

  connectorChanged(c: Connector): void {
    this.smartCharging.connectorChanged(c);
    this.firmware.connectorChanged();
  }
}
