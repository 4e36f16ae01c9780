// The durable outbox (src/lib/outbox.ts) and its sender (outbox-sender.ts) on their own,
// with a configuration of the test's: what the transaction messages and the security events
// are built on.
import { test, assert, sleep, clock } from '../../lib/harness';
import { FakeHost } from '../../lib/fake-host';
import { createHal } from '../../../hal/index';
import { Outbox } from '../../../src/lib/outbox';
import { OutboxSender, SendLink } from '../../../src/lib/outbox-sender';

interface Note {
  text: string;
}

/** An outbox of notes with a header record of its own ({"h": notes pushed so far}). */
function notesOn(files: { [name: string]: string }, slack = 4) {
  const storage = createHal(new FakeHost({ files })).storage;
  const state = { pushedBefore: 0, unreadable: 0, replayed: [] as string[], done: [] as string[] };
  const outbox = new Outbox<Note>(storage, {
    file: 'notes.log',
    compactSlack: slack,
    encode: (seq, note) => JSON.stringify({ q: seq, t: note.text }),
    decode: (r) => (typeof r.t === 'string' ? { text: r.t } : null),
    ownRecords: (nextSeq) => [{ h: nextSeq - 1 }],
    replayOwn: (r) => (state.pushedBefore = r.h),
    replayEntry: (_seq, note) => state.replayed.push(note.text),
    replayDone: (_seq, note) => state.done.push(note.text),
    unreadable: () => state.unreadable++,
  }).load();
  return { outbox, state };
}

test('an entry is in storage when push returns; a new boot finds the pending ones in order, the done ones never again', () => {
  const files: { [name: string]: string } = {};
  const { outbox } = notesOn(files);
  const a = outbox.push({ text: 'a' });
  outbox.push({ text: 'b' });
  outbox.push({ text: 'c' });
  assert.match(files['notes.log'], /"t":"c"/);
  assert.equal(outbox.complete(a.seq)!.text, 'a');
  assert.equal(outbox.complete(a.seq), null, 'done once');
  const again = notesOn(files);
  assert.deepEqual(again.outbox.list().map((i) => i.entry.text), ['b', 'c']);
  assert.deepEqual(again.state.done, ['a']);
  assert.equal(again.state.pushedBefore, 0, 'the own record of the first load: nothing pushed before it');
  const third = notesOn(files);
  assert.deepEqual(third.state.replayed, ['b', 'c'], 'the log was rewritten when the outbox was loaded: only what is pending');
  assert.equal(third.state.pushedBefore, 3, 'its own record, written by the rewrite, came back');
  assert.equal(third.outbox.push({ text: 'd' }).seq, 4, 'seqs are never handed out twice');
});

test('a record torn by a power loss is skipped, and the next append is not glued to it', () => {
  const files: { [name: string]: string } = {};
  const { outbox } = notesOn(files);
  outbox.push({ text: 'a' });
  files['notes.log'] += '{"q":2,"t":"tor';
  const torn = notesOn(files);
  assert.deepEqual(torn.outbox.list().map((i) => i.entry.text), ['a']);
  torn.outbox.push({ text: 'b' });
  const again = notesOn(files);
  assert.deepEqual(again.outbox.list().map((i) => i.entry.text), ['a', 'b']);
  assert.equal(again.state.unreadable, 0, 'clean after the rewrite');
});

test('done records are compacted away once they outweigh the pending ones; an emptied log without own records is removed', () => {
  const files: { [name: string]: string } = {};
  const { outbox } = notesOn(files, 3);
  for (let i = 0; i < 6; i++) outbox.complete(outbox.push({ text: 'n' + i }).seq);
  assert.ok(files['notes.log'].split('\n').filter((l) => l).length <= 4, files['notes.log']);
  const plain = new Outbox<Note>(createHal(new FakeHost({ files })).storage, { file: 'plain.log', compactSlack: 1, encode: (seq, n) => JSON.stringify({ q: seq, t: n.text }), decode: (r) => ({ text: r.t }) }).load();
  plain.complete(plain.push({ text: 'x' }).seq);
  assert.equal(files['plain.log'], undefined);
});

test('thin forgets every second entry for good (the oldest kept); markDone leaves the rewrite for later', () => {
  const files: { [name: string]: string } = {};
  const { outbox } = notesOn(files, 100);
  for (let i = 0; i < 5; i++) outbox.push({ text: 'n' + i });
  const counts: number[] = [];
  assert.equal(outbox.thin(1, () => true, (n) => n.text.length, (count) => counts.push(count)), 4, 'n1 and n3: 2 characters each');
  assert.deepEqual(counts, [2]);
  outbox.markDone(outbox.head()!.seq);
  const again = notesOn(files);
  assert.deepEqual(again.outbox.list().map((i) => i.entry.text), ['n2', 'n4']);
  assert.deepEqual(again.state.done, ['n0'], 'markDone wrote its done record');
});

/** The test's one action, as a version's generated maps would type it. */
interface NoteRequests {
  Note: { text: string };
}
interface NoteResponses {
  Note: string;
}

/** A link whose answers the test gives by hand. */
class ManualLink implements SendLink<NoteRequests, NoteResponses> {
  open = true;
  sent: { action: string; payload: any; uniqueId?: string; at: number; resolve: (v: any) => void; reject: (e: any) => void }[] = [];
  call(action: string, payload: object, uniqueId?: string): Promise<any> {
    return new Promise((resolve, reject) => this.sent.push({ action, payload, uniqueId, at: clock.now(), resolve, reject }));
  }
  isOpen(): boolean {
    return this.open;
  }
}

function senderOf(attempts: number, retry: number) {
  const host = new FakeHost();
  const hal = createHal(host);
  const { outbox } = notesOn({});
  const answered: string[] = [];
  const sender = new OutboxSender<{ seq: number; entry: { text: string } }, NoteRequests, NoteResponses, 'Note'>({
    head: () => outbox.head(),
    prepare: (head, failures) => ({ action: 'Note', payload: { text: head.entry.text }, uniqueId: 'n' + head.seq + (failures ? '.' + failures : '') }),
    answered: (head, _d, response) => {
      outbox.complete(head.seq);
      answered.push(head.entry.text + '=' + response);
    },
    givenUp: (head) => outbox.complete(head.seq),
    describe: (head) => 'note ' + head.entry.text,
    why: (e) => String(e && e.message),
    attempts: () => attempts,
    retryInterval: () => retry,
    setTimeout: hal.setTimeout,
    log: hal.log,
  });
  return { host, outbox, sender, answered };
}

test('the sender: one at a time in order; a failed attempt waits retryInterval × attempts, the last one gives up; a dropped link costs none', async () => {
  const { host, outbox, sender, answered } = senderOf(3, 10);
  outbox.push({ text: 'a' });
  outbox.push({ text: 'b' });
  const link = new ManualLink();
  sender.online(link);
  let empty = false;
  sender.whenEmpty().then(() => (empty = true));
  assert.equal(link.sent.length, 1, 'one at a time');
  link.sent[0].resolve('ok');
  await sleep(0);
  assert.deepEqual(answered, ['a=ok']);
  const t0 = clock.now();
  link.sent[1].reject(new Error('busy'));
  await sleep(0);
  await sleep(10000);
  assert.equal(link.sent.length, 3);
  assert.equal(link.sent[2].at - t0, 10000, 'after 1 × retryInterval');
  assert.equal(link.sent[2].uniqueId, 'n2.1');
  link.sent[2].reject(new Error('busy'));
  await sleep(0);
  await sleep(20000);
  assert.equal(link.sent.length, 4, 'after 2 × retryInterval');
  link.sent[3].reject(new Error('busy'));
  await sleep(0);
  assert.equal(outbox.size(), 0, 'given up after the third attempt');
  assert.ok(empty);
  assert.ok(host.logs.some((l) => /note b given up after 3 attempt\(s\): busy/.test(l.text)));

  outbox.push({ text: 'c' });
  sender.sendNext();
  link.open = false;
  link.sent[4].reject(new Error('connection closed'));
  await sleep(60000);
  assert.equal(link.sent.length, 5, 'nothing more on a closed link');
  sender.offline();
  const next = new ManualLink();
  sender.online(next);
  assert.equal(next.sent[0].uniqueId, 'n3', 'the same unique id on the next link: the drop was no attempt');
});

test('thin: every second entry it may drop goes (the oldest kept), round after round until enough is freed; what it may not drop stays; the log is rewritten', () => {
  const files: { [name: string]: string } = {};
  const { outbox } = notesOn(files, 1000);
  for (let i = 0; i < 9; i++) outbox.push({ text: (i === 0 || i === 8 ? 'keep' : 'mv') + i });
  const rounds: number[] = [];
  const size = () => 10;
  let freed = outbox.thin(30, (n) => n.text.indexOf('mv') === 0, size, (count) => rounds.push(count));
  assert.deepEqual(outbox.list().map((e) => e.entry.text), ['keep0', 'mv1', 'mv3', 'mv5', 'mv7', 'keep8'], 'mv2, mv4, mv6: every second of the seven, enough');
  assert.equal(freed, 30);
  assert.deepEqual(rounds, [3]);
  freed = outbox.thin(100, (n) => n.text.indexOf('mv') === 0, size, (count) => rounds.push(count));
  assert.deepEqual(outbox.list().map((e) => e.entry.text), ['keep0', 'keep8'], 'as often as needed; a last single one goes too');
  assert.deepEqual(rounds, [3, 2, 1, 1]);
  assert.equal(freed, 40);
  assert.deepEqual(notesOn(files).outbox.list().map((e) => e.entry.text), ['keep0', 'keep8'], 'rewritten: the dropped ones do not come back');
});
