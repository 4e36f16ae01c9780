// Availability (OCPP 1.6 section 5.2 ChangeAvailability, 4.9 connector 0): which connectors
// are Operative (ChangeAvailability's answer is core-requests.ts's), kept in storage (what a connector will be once its transaction ends), and
// connector 0, the charge point as a whole: Unavailable when every connector is Inoperative.
import { Logger, Storage } from '../../../hal/index';
import { Connector } from './connector';
import { StatusReporter } from './connector-status';

const FILE = 'availability.json';

export interface AvailabilityContext {
  readonly hal: { readonly storage: Storage; readonly log: Logger };
  /** connectors[0] is connector 1. */
  readonly connectors: Connector[];
  readonly status: StatusReporter;
  connector(id: number): Connector | null;
}

export class Availability {
  constructor(private readonly station: AvailabilityContext) {}

  /** At boot: the connectors made Inoperative before stay so. */
  restore(): void {
    const text = this.station.hal.storage.get(FILE);
    if (!text) return;
    try {
      const ids: number[] = JSON.parse(text);
      for (let i = 0; i < ids.length; i++) {
        const c = this.station.connector(ids[i]);
        if (c) c.operative = false;
      }
    } catch (e) {
      this.station.hal.log.warning('availability file unreadable: every connector Operative');
    }
  }

  /** Connector 0, the charge point as a whole: Unavailable when every connector is Inoperative. */
  refreshChargePoint(): void {
    const connectors = this.station.connectors;
    let anyOperative = false;
    for (let i = 0; i < connectors.length; i++) if (connectors[i].operative) anyOperative = true;
    if (connectors.length) this.station.status.set(0, anyOperative ? 'Available' : 'Unavailable', 'NoError');
  }

  /** After a ChangeAvailability (core-requests.ts) of `connectorId` (0: all) to `operative`. */
  save(operative: boolean, connectorId: number): void {
    // What is stored is what the connectors will be after their transactions (persistent, section 5.2).
    const connectors = this.station.connectors;
    const inoperative: number[] = [];
    for (let i = 0; i < connectors.length; i++) {
      const c = connectors[i];
      const target = connectorId === 0 || c.id === connectorId ? operative : c.scheduled !== null ? c.scheduled : c.operative;
      if (!target) inoperative.push(c.id);
    }
    if (inoperative.length) this.station.hal.storage.set(FILE, JSON.stringify(inoperative));
    else this.station.hal.storage.remove(FILE);
  }
}
