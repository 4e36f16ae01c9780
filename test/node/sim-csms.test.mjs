// The embedded CSMS (sim/csms.mjs), driven by an independent OCPP client (ocpp-rpc's
// RPCClient) over real sockets on 127.0.0.1.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ocppRpc from 'ocpp-rpc';
import { Csms } from '../../sim/csms.mjs';

const { RPCClient } = ocppRpc;
const clients = [];
after(() => Promise.all(clients.map((c) => c.close({ force: true }))));

async function connect(csms, identity, { password, strictMode = false, protocols = ['ocpp1.6'] } = {}) {
  // strictMode off on the client side: the tests send invalid payloads on purpose.
  const client = new RPCClient({ endpoint: csms.url, identity, protocols, strictMode, password, reconnect: false });
  clients.push(client);
  await client.connect();
  return client;
}

test('answers the charge-point-initiated 1.6 actions with valid responses and records them', async () => {
  const csms = new Csms({ heartbeatInterval: 17, blockedTags: ['STOLEN'] });
  await csms.start();
  try {
    const cp = await connect(csms, 'C-1', { strictMode: true }); // strict: every answer is schema-checked here too
    const boot = await cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' });
    assert.equal(boot.status, 'Accepted');
    assert.equal(boot.interval, 17);
    assert.ok(Date.parse(boot.currentTime) > 0);
    assert.ok(Date.parse((await cp.call('Heartbeat', {})).currentTime) > 0);
    await cp.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Preparing' });
    assert.deepEqual(await cp.call('Authorize', { idTag: 'GOOD' }), { idTagInfo: { status: 'Accepted' } });
    assert.deepEqual(await cp.call('Authorize', { idTag: 'STOLEN' }), { idTagInfo: { status: 'Blocked' } });
    const t1 = await cp.call('StartTransaction', { connectorId: 1, idTag: 'GOOD', meterStart: 100, timestamp: new Date().toISOString() });
    const t2 = await cp.call('StartTransaction', { connectorId: 2, idTag: 'GOOD', meterStart: 0, timestamp: new Date().toISOString() });
    assert.equal(t2.transactionId, t1.transactionId + 1);
    const sample = { timestamp: new Date().toISOString(), sampledValue: [{ value: '150', measurand: 'Energy.Active.Import.Register', unit: 'Wh' }] };
    assert.deepEqual(await cp.call('MeterValues', { connectorId: 1, transactionId: t1.transactionId, meterValue: [sample] }), {});
    assert.deepEqual(await cp.call('StopTransaction', { transactionId: t1.transactionId, meterStop: 200, timestamp: new Date().toISOString(), idTag: 'GOOD' }), {
      idTagInfo: { status: 'Accepted' },
    });
    assert.deepEqual(await cp.call('DataTransfer', { vendorId: 'V' }), { status: 'Accepted' });
    assert.deepEqual(await cp.call('DiagnosticsStatusNotification', { status: 'Idle' }), {});
    assert.deepEqual(await cp.call('FirmwareStatusNotification', { status: 'Idle' }), {});

    assert.equal(csms.status.get('C-1')[1], 'Preparing');
    const tx = csms.transactions.get(t1.transactionId);
    assert.equal(tx.meterStop, 200);
    assert.deepEqual(tx.meterValues, [sample]);
    const boots = csms.messages('C-1', { action: 'BootNotification' });
    assert.deepEqual(
      boots.map((r) => [r.direction, r.type]),
      [
        ['in', 'CALL'],
        ['out', 'CALLRESULT'],
      ]
    );
    assert.equal(csms.calls('C-1', 'Authorize').length, 2);
    assert.deepEqual(csms.violations, []);
  } finally {
    await csms.stop();
  }
});

test('strict mode: an invalid payload from the station gets a CALLERROR and is recorded as a violation', async () => {
  const csms = new Csms();
  await csms.start();
  try {
    const cp = await connect(csms, 'C-2');
    await assert.rejects(cp.call('BootNotification', { chargePointVendor: 'V' }), (err) => {
      assert.equal(err.rpcErrorCode, 'OccurrenceConstraintViolation');
      return true;
    });
    await assert.rejects(cp.call('RemoteStartTransaction', { idTag: 'X' }), (err) => err.rpcErrorCode === 'NotImplemented');
    assert.equal(csms.violations.length, 1);
    assert.equal(csms.violations[0].action, 'BootNotification');
    const errors = csms.messages('C-2', { type: 'CALLERROR' });
    assert.deepEqual(
      errors.map((r) => [r.action, r.error.code]),
      [
        ['BootNotification', 'OccurrenceConstraintViolation'],
        ['RemoteStartTransaction', 'NotImplemented'],
      ]
    );
  } finally {
    await csms.stop();
  }
});

test('CALLs and raw frames to a station; answers are recorded with their action', async () => {
  const csms = new Csms();
  await csms.start();
  try {
    const cp = await connect(csms, 'C-3');
    cp.handle('Reset', () => ({ status: 'Accepted' }));
    assert.deepEqual(await csms.call('C-3', 'Reset', { type: 'Soft' }), { status: 'Accepted' });
    await assert.rejects(csms.call('C-3', 'Reset', { type: 'Sideways' }), /type/, 'the CSMS validates its own requests too');
    const badFrame = new Promise((resolve) => cp.once('badMessage', resolve));
    csms.sendRaw('C-3', '[2,"raw-1","Reset",{"type":');
    const { buffer } = await badFrame;
    assert.equal(String(buffer), '[2,"raw-1","Reset",{"type":');
    const answer = await csms.waitFor((r) => r.station === 'C-3' && r.type === 'CALLERROR', { timeout: 2000 });
    assert.equal(answer.direction, 'in');
    assert.deepEqual(
      csms.messages('C-3').map((r) => [r.direction, r.type, r.action]),
      [
        ['out', 'CALL', 'Reset'],
        ['in', 'CALLRESULT', 'Reset'],
        ['out', 'invalid', undefined],
        ['in', 'CALLERROR', undefined],
      ]
    );
    assert.throws(() => csms.sendRaw('NOBODY', '[]'), /NOBODY is not connected/);
  } finally {
    await csms.stop();
  }
});

test('Basic auth when a password is set; a subprotocol other than ocpp1.6 and ocpp2.0.1 is refused', async () => {
  const csms = new Csms({ password: 'a-long-password-1' });
  await csms.start();
  try {
    await assert.rejects(connect(csms, 'C-4', { password: 'wrong' }), /Unauthorized/);
    await assert.rejects(connect(csms, 'C-4'), /Unauthorized/);
    await connect(csms, 'C-4', { password: 'a-long-password-1' });
    assert.equal(csms.connected('C-4'), true);
    const other = new RPCClient({ endpoint: csms.url, identity: 'C-5', protocols: ['ocpp2.1'], password: 'a-long-password-1', reconnect: false });
    await assert.rejects(other.connect(), /Bad Request/);
    assert.deepEqual(
      csms.rejections.map((r) => [r.station, r.status, r.reason]),
      [
        ['C-4', 401, 'wrong password'],
        ['C-4', 401, 'Basic auth required'],
        ['C-5', 400, 'subprotocol ocpp1.6 or ocpp2.0.1 required'],
      ]
    );
  } finally {
    await csms.stop();
  }
});

test('speaks OCPP 2.0.1 too: the station\'s first subprotocol it speaks, the 2.0.1 actions answered, 2.0.1 schemas enforced', async () => {
  const csms = new Csms({ heartbeatInterval: 60 });
  await csms.start();
  try {
    const cp = await connect(csms, 'C-201', { protocols: ['ocpp2.0.1', 'ocpp1.6'] });
    assert.equal(cp.protocol, 'ocpp2.0.1');
    assert.equal(csms.connections.at(-1).protocol, 'ocpp2.0.1');
    const boot = await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { model: 'M', vendorName: 'V' } });
    assert.deepEqual([boot.status, boot.interval, typeof boot.currentTime], ['Accepted', 60, 'string']);
    assert.deepEqual(await cp.call('StatusNotification', { timestamp: new Date().toISOString(), connectorStatus: 'Occupied', evseId: 1, connectorId: 1 }), {});
    assert.equal(csms.status.get('C-201')[1], 'Occupied');
    assert.deepEqual(await cp.call('Authorize', { idToken: { idToken: 'T', type: 'ISO14443' } }), { idTokenInfo: { status: 'Accepted' } });
    assert.deepEqual(await cp.call('TransactionEvent', { eventType: 'Started', timestamp: new Date().toISOString(), triggerReason: 'Authorized', seqNo: 0, transactionInfo: { transactionId: 't-1' } }), {});
    assert.deepEqual(await cp.call('NotifyReport', { requestId: 1, generatedAt: new Date().toISOString(), seqNo: 0 }), {});
    // A 1.6 payload on a 2.0.1 connection fails the 2.0.1 schema.
    await assert.rejects(cp.call('BootNotification', { chargePointVendor: 'V', chargePointModel: 'M' }), (e) => e.rpcErrorCode !== undefined);
    assert.ok(csms.violations.some((v) => v.station === 'C-201' && v.action === 'BootNotification' && !v.outbound), 'recorded as a violation');
    const old = await connect(csms, 'C-16', { protocols: ['ocpp1.6', 'ocpp2.0.1'] });
    assert.equal(old.protocol, 'ocpp1.6');
  } finally {
    await csms.stop();
  }
});

test('stops (dropping connections) and starts again on the same port', async () => {
  const csms = new Csms();
  await csms.start();
  const port = csms.port;
  const cp = await connect(csms, 'C-6');
  const dropped = new Promise((resolve) => cp.once('close', resolve));
  await csms.stop();
  assert.equal((await dropped).code, 1006, 'a stop without graceful is a cut connection');
  await assert.rejects(connect(csms, 'C-6'), /ECONNREFUSED/);
  await csms.start();
  assert.equal(csms.port, port);
  await connect(csms, 'C-6');
  const second = await csms.waitForConnection('C-6', { after: 1 });
  assert.equal(second.protocol, 'ocpp1.6');
  assert.equal(csms.connections.length, 2);
  await csms.stop();
});

test('standalone: node sim/csms.mjs prints a readable log of every message', async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../sim/csms.mjs', import.meta.url)), '--port', '0', '--heartbeat-interval', '9'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no listening line: ' + out)), 5000);
      child.stdout.on('data', () => {
        const m = /listening on (ws:\/\/\S+)\/<station id>/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    const cp = new RPCClient({ endpoint: url, identity: 'C-7', protocols: ['ocpp1.6'], reconnect: false });
    clients.push(cp);
    await cp.connect();
    await cp.call('BootNotification', { chargePointVendor: 'Acme', chargePointModel: 'X1' });
    await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /C-7 {2}connected \(subprotocol ocpp1\.6\)/);
    assert.match(out, /\d\d:\d\d:\d\d\.\d{3} {2}C-7 {2}→ {2}BootNotification +chargePointVendor=Acme chargePointModel=X1/);
    assert.match(out, /C-7 {2}← {2}BootNotification\.conf +status=Accepted currentTime=\S+ interval=9/);
  } finally {
    child.kill('SIGTERM');
  }
});

test('standalone: a bad flag is a clear error and exit 2', async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../sim/csms.mjs', import.meta.url)), '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(err, /--port must be 0\.\.65535, got x/);
});
