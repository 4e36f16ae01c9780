// A 2.0.1 station on the fake host, with the test playing the CSMS (the FakeCsms of the 1.6
// station tests, agreeing to ocpp2.0.1): frames the station sends are read with
// csms.next(), answers and CALLs go back with csms.reply() / csms.call().
import { sleep } from '../../../lib/harness';
import { FakeHost } from '../../../lib/fake-host';
import { createHal, Hal } from '../../../../hal/index';
import { SimHardware, simHardwareFor } from '../../../../src/sim/sim-hardware';
import { Station } from '../../../../src/v201/station';
import { openChargePointLink } from '../../../../src/v201/link';
import { Feature } from '../../../../src/v201/context';
import { DeviceModel } from '../../../../src/v201/device-model/model';
import { deviceModel } from '../../../../src/v201/device-model/index';
import { provisioning } from '../../../../src/v201/provisioning/index';
import { availability } from '../../../../src/v201/availability/index';
import { FakeCsms } from '../../app/lib/station-harness';

export { FakeCsms };

/** The features of the 2.0.1 firmware (src/main-201.ts) that these tests run. */
export const FEATURES: Feature[] = [deviceModel, provisioning, availability];

export interface Rig201 {
  host: FakeHost;
  hal: Hal;
  hw: SimHardware;
  station: Station;
  csms: FakeCsms;
}

/** `prepare`: gives the fake host members before the HAL is made (e.g. the optional firmware and crypto members). */
export function makeStation201(config: { [k: string]: unknown } = {}, files?: { [name: string]: string }, features: Feature[] = FEATURES, prepare?: (host: FakeHost) => void): Rig201 {
  const settings: { [k: string]: unknown } = { url: 'ws://csms/ocpp', id: 'CP-201', connectors: 2 };
  for (const k in config) settings[k] = config[k];
  const host = new FakeHost({ config: settings, files: files || {} });
  if (prepare) prepare(host);
  const hal = createHal(host);
  const hw = simHardwareFor(hal);
  const station = new Station(hal, hw, openChargePointLink(hal));
  for (let i = 0; i < features.length; i++) station.install(features[i]);
  return { host, hal, hw, station, csms: new FakeCsms(host, 'ocpp2.0.1') };
}

/** How many variables the device model holds (at() until null). */
export function variableCount(model: DeviceModel): number {
  let n = 0;
  while (model.at(n)) n++;
  return n;
}

/** The power goes: only a copy of the files is left for the next boot (makeStation201(config, files)). */
export function powerCut(rig: Rig201): { [name: string]: string } {
  const files: { [name: string]: string } = {};
  for (const name in rig.host.files) files[name] = rig.host.files[name];
  rig.station.stop();
  rig.hw.stop();
  return files;
}

/** Starts the station; the CSMS accepts it and answers what it answers by itself. */
export async function startOnline201(rig: Rig201, interval: number = 300): Promise<void> {
  rig.csms.answerRoutine(interval);
  if (!rig.csms.autoAnswer.NotifyReport) rig.csms.autoAnswer.NotifyReport = () => ({});
  rig.station.start();
  await sleep(0);
  rig.csms.accept();
  await rig.csms.next('BootNotification');
  for (let i = 0; i < 50 && rig.csms.pending('StatusNotification').length < rig.station.evseCount; i++) await sleep(0);
}
