// Benchmark bundle: the project's OCPP stack (HAL + core ChargePoint, schema validation on)
// sending Heartbeat CALLs back to back for `duration` seconds, each waiting for its
// CALLRESULT, then logging "heartbeats <count> in <ms> ms" and exiting. It runs in the same
// hosts as the firmware (simulator host, native shim), against the same CSMS as the
// baseline client in bench/throughput.mjs.
import { createHal } from '../hal/index';
import { ChargePoint } from '../src/ocpp/v16/index';

const hal = createHal(ocppHost);
const settings = hal.settings;
const ws = hal.connect(settings.url + '/' + settings.id, { protocols: ['ocpp1.6'] });

ws.onopen = function () {
  const cp = new ChargePoint(settings.id, ws, { responseTimeout: 30, log: hal.log, setTimeout: hal.setTimeout });
  cp.start();
  const started = hal.ticks();
  const until = started + (settings.duration || 5) * 1000;
  let count = 0;
  // Each round trip starts the next from its callback rather than returning it: a chain of
  // promises each resolved with the next would keep every one alive until the end, which
  // runs a module-sized heap out of memory within seconds.
  function next(): void {
    if (hal.ticks() >= until) {
      hal.log.info('heartbeats ' + count + ' in ' + Math.round(hal.ticks() - started) + ' ms');
      hal.exit(0);
      return;
    }
    cp.call('Heartbeat', {}, { suppress: false }).then(
      function () {
        count++;
        next();
      },
      function (err: Error) {
        hal.log.error('heartbeat loop failed: ' + err.message);
        hal.exit(1);
      }
    );
  }
  next();
};
ws.onclose = function (code: number, reason: string) {
  hal.log.error('connection closed (' + code + ' ' + reason + ')');
  hal.exit(1);
};
