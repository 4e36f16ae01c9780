// The fuzz storm of test/quickjs/ocpp/fuzz.test.ts, shorter, over a real socket: the strict
// CSMS sends the seeded hostile frames of test/lib/fuzz-frames.ts (bundled here with esbuild)
// to the real bundle in the simulator host. Every CALL with a readable id is answered exactly
// once with a valid CALLRESULT / CALLERROR within the caps, no error escapes the bundle, the
// station stays connected, and its heap comes back to where it was.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { stationTests } from './lib/stations.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { outputFiles } = buildSync({ entryPoints: [join(root, 'test/lib/fuzz-frames.ts')], bundle: true, format: 'esm', platform: 'neutral', write: false });
const { FrameMaker, ACTIONS, OCPP16, checkAnswers } = await import('data:text/javascript;base64,' + Buffer.from(outputFiles[0].text).toString('base64'));

const SEED = 21;
const FRAMES = 400;
// Actions whose valid CALL would end the storm's connection (a reset, a new password or
// URL, a firmware restart) or wait on a server that is not there: the QuickJS test has them.
const ENDS_THE_LINK = ['Reset', 'ChangeConfiguration', 'UpdateFirmware', 'SignedUpdateFirmware', 'GetDiagnostics', 'GetLog', 'CertificateSigned', 'InstallCertificate', 'DeleteCertificate'];

const rig = stationTests('sim-fuzz');
let csms;
let station;

before(async () => {
  csms = await rig.csms({ heartbeatInterval: 300, callTimeout: 5 });
  station = await rig.start({ url: csms.url, id: 'FUZZ-1', connectors: 2, scenario: 'idle', duration: 0, logLevel: 'error' });
  await csms.waitForCall('FUZZ-1', 'StatusNotification', { timeout: 20000 });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Resolves once the station has sent nothing for `quiet` ms. */
async function settled(quiet = 1000) {
  for (let seen = -1; seen !== csms.records.length; ) {
    seen = csms.records.length;
    await sleep(quiet);
  }
}

test(`fuzz over a real socket: ${FRAMES} hostile frames (seed ${SEED}) — each CALL with a readable id answered once, validly, within the caps; nothing escapes; the heap comes back`, { timeout: 120000 }, async () => {
  const maker = new FrameMaker(SEED, OCPP16, ACTIONS.filter((a) => !ENDS_THE_LINK.includes(a)));
  const send = async (count, frames) => {
    for (let i = 0; i < count; i++) {
      const f = maker.next();
      frames.push(f);
      csms.sendRaw('FUZZ-1', f.text);
      if (i % 20 === 19) await sleep(20);
    }
    await settled();
  };
  await send(50, []); // warm-up: what is allocated once
  const heapBefore = station.memory().used;
  const from = csms.records.length;
  const frames = [];
  await send(FRAMES, frames);
  const answers = csms.records.slice(from).filter((r) => r.station === 'FUZZ-1' && r.direction === 'in' && r.type !== 'CALL');
  assert.deepEqual(checkAnswers(frames, answers.map((r) => r.text)), [], `seed ${SEED}`);
  assert.equal(station.uncaughtErrors, 0, 'no error escaped the bundle');
  assert.ok(station.running, 'the station runs');
  assert.equal(csms.messages('FUZZ-1', { direction: 'in', type: 'CALL' }).filter((r) => r.action === 'BootNotification').length, 1, 'no reboot, no reconnect');
  const conf = await csms.call('FUZZ-1', 'GetConfiguration', { key: ['HeartbeatInterval'] }, { timeout: 10 });
  assert.equal(conf.configurationKey[0].key, 'HeartbeatInterval', 'still serving');
  const growth = station.memory().used - heapBefore;
  assert.ok(growth < 96 * 1024, `heap grew ${growth} bytes over ${FRAMES} frames`);
});
