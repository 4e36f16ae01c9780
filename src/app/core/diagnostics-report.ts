// What a diagnostics file holds (GetDiagnostics of Firmware Management, and the security
// extension's GetLog DiagnosticsLog): the station's state now, and no secrets (write-only
// keys carry no value).
import { Hal } from '../../../hal/index';
import { Configuration } from './configuration';
import { Connector } from './connector';
import { keyValue } from './configuration-report';

export interface ReportedStation {
  readonly hal: Hal;
  readonly config: Configuration;
  readonly connectors: Connector[];
}

/**
 * The report's text. Its configuration is written key by key as JSON.stringify reaches each:
 * the report holds the key names, and a replacer makes each key's entry (as GetConfiguration
 * lists it) only as its turn comes, so no tree of an object per key is held beside the text
 * being written (on the module that tree was about as large as the text).
 */
export function diagnosticsReport(station: ReportedStation, job: { startTime?: string; stopTime?: string }): string {
  const config = station.config;
  const connectors: any[] = [];
  for (let i = 0; i < station.connectors.length; i++) {
    const c = station.connectors[i];
    const r = c.hw.read();
    connectors.push({ id: c.id, status: c.status, error: c.hw.error(), energyWh: r.energyWh, currentLimitA: c.hw.currentLimit(), transaction: c.transactionId() !== undefined ? c.transactionId() : null });
  }
  const names = config.known();
  return JSON.stringify(
    {
      station: station.hal.settings.id,
      firmwareVersion: station.hal.settings.firmwareVersion,
      host: station.hal.hostName,
      time: new Date(station.hal.now()).toISOString(),
      requested: { startTime: job.startTime || null, stopTime: job.stopTime || null },
      connectors,
      configuration: names,
    },
    function (this: unknown, _key: string, value: unknown) {
      if (this !== names) return value;
      return keyValue(config, value as string);
    }
  );
}
