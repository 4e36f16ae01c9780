// What a diagnostics file holds (GetDiagnostics of Firmware Management, and the security
// extension's GetLog DiagnosticsLog): the station's state now, and no secrets (write-only
// keys carry no value).
import { Hal } from '../../../hal/index';
import { Configuration } from './configuration';
import { Connector } from './connector';
import { configurationReport } from './configuration-report';

export interface ReportedStation {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
}

export function diagnosticsReport(station: ReportedStation, job: { startTime?: string; stopTime?: string }): string {
  const connectors: any[] = [];
  for (let i = 0; i < station.connectors.length; i++) {
    const c = station.connectors[i];
    const r = c.hw.read();
    connectors.push({ id: c.id, status: c.status, error: c.hw.error(), energyWh: r.energyWh, currentLimitA: c.hw.currentLimit(), transaction: c.transactionId() !== undefined ? c.transactionId() : null });
  }
  return JSON.stringify({
    station: station.hal.settings.id,
    firmwareVersion: station.hal.settings.firmwareVersion,
    host: station.hal.hostName,
    time: new Date(station.hal.now()).toISOString(),
    requested: { startTime: job.startTime || null, stopTime: job.stopTime || null },
    connectors,
    configuration: configurationReport(station.config).configurationKey,
  });
}
