// OCPP 2.0.1 block P: DataTransfer from the CSMS (a vendor's handler, else UnknownVendorId) and to it.
import { test, assert, sleep } from '../../lib/harness';
import { FakeStation } from './lib/fake-station';
import { installDataTransfer } from '../../../src/v201/data-transfer/data-transfer';

test('DataTransfer from the CSMS: UnknownVendorId without a handler (P01.FR.05); a registered vendor answers, its UnknownMessageId included (P01.FR.06); a handler that throws: Rejected', () => {
  const station = new FakeStation();
  const transfer = installDataTransfer(station);
  assert.deepEqual(station.request('DataTransfer', { vendorId: 'com.example', messageId: 'x' }), { status: 'UnknownVendorId' });
  const seen: any[] = [];
  transfer.vendor('com.example', (messageId, data) => {
    seen.push([messageId, data]);
    return messageId === 'ping' ? { status: 'Accepted', data: { pong: data } } : { status: 'UnknownMessageId' };
  });
  assert.deepEqual(station.request('DataTransfer', { vendorId: 'com.example', messageId: 'ping', data: [1, 2] }), { status: 'Accepted', data: { pong: [1, 2] } });
  assert.deepEqual(station.request('DataTransfer', { vendorId: 'com.example', messageId: 'other' }), { status: 'UnknownMessageId' });
  assert.deepEqual(station.request('DataTransfer', { vendorId: 'com.other' }), { status: 'UnknownVendorId' }, 'only the vendorId registered');
  assert.deepEqual(seen, [['ping', [1, 2]], ['other', undefined]]);
  transfer.vendor('com.broken', () => {
    throw new Error('boom');
  });
  assert.deepEqual(station.request('DataTransfer', { vendorId: 'com.broken' }), { status: 'Rejected' });
  assert.deepEqual(station.request('DataTransfer', { vendorId: 'hasOwnProperty' }), { status: 'UnknownVendorId' }, 'no inherited name is a vendor');
});

test('DataTransfer to the CSMS (P02): the answer of the CSMS; null while offline, nothing sent', async () => {
  const station = new FakeStation();
  const transfer = installDataTransfer(station);
  station.answer = (action, p) => (action === 'DataTransfer' ? { status: 'Accepted', data: 'got ' + p.messageId } : {});
  assert.deepEqual(await transfer.send('com.example', 'meter', { kWh: 3 }), { status: 'Accepted', data: 'got meter' });
  assert.deepEqual(station.sent[0], { action: 'DataTransfer', payload: { vendorId: 'com.example', messageId: 'meter', data: { kWh: 3 } }, uniqueId: undefined });
  assert.deepEqual(await transfer.send('com.example'), { status: 'Accepted', data: 'got undefined' });
  assert.deepEqual(station.sent[1].payload, { vendorId: 'com.example' }, 'no messageId / data when none is given');
  station.linkDown();
  assert.equal(await transfer.send('com.example', 'meter'), null);
  await sleep(0);
  assert.equal(station.sent.length, 2);
});
