// The benchmark's central system in its own process, so that it never competes with the
// clients being measured for the benchmark process's one JavaScript thread. It is the
// embedded strict CSMS (sim/csms.mjs: ocpp-rpc, every message validated against the OCPP 1.6
// schemas) without its readable log. It prints one line, `listening <url>`, then serves
// until its parent closes stdin.
//   node bench/csms-process.mjs [--heartbeat-interval S]
import { parseArgs } from 'node:util';
import { Csms } from '../sim/csms.mjs';

const { values } = parseArgs({ options: { 'heartbeat-interval': { type: 'string', default: '300' } } });
const csms = new Csms({ heartbeatInterval: Number(values['heartbeat-interval']) });
// Records of every message are what tests inspect; a benchmark only needs the answers.
csms.on('message', () => {
  if (csms.records.length > 10000) csms.records.length = 0;
});
await csms.start();
console.log(`listening ${csms.url}`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await csms.stop();
  process.exit(0);
});
