// Security events (whitepaper section 4): every event goes to the station's security log
// (`security.log`, what GetLog SecurityLog uploads) and is sent to the CSMS as a
// SecurityEventNotification. Like a transaction message, the notification is written to
// storage (`security-events.log`) before it is sent and delivered in order, each until the
// CSMS answered it: a dropped link or a power loss loses none. A CALLERROR or no answer
// while the link stays up counts as a failed attempt (retried after
// TransactionMessageRetryInterval × attempts, given up after TransactionMessageAttempts).
// Notifications are part of the security extension: a station outside it (security
// profile 0, e.g. against a CSMS of plain OCPP 1.6) only keeps its security log.
import { Logger, Storage, Timer } from '../../../hal/index';

/** The whitepaper's security event types (section 4.1); the critical ones are marked. */
export type SecurityEventType =
  | 'FirmwareUpdated' // critical
  | 'FailedToAuthenticateAtCentralSystem'
  | 'CentralSystemFailedToAuthenticate'
  | 'SettingSystemTime' // critical
  | 'StartupOfTheDevice' // critical
  | 'ResetOrReboot' // critical
  | 'SecurityLogWasCleared' // critical
  | 'ReconfigurationOfSecurityParameters'
  | 'MemoryExhaustion' // critical
  | 'InvalidMessages'
  | 'AttemptedReplayAttacks'
  | 'TamperDetectionActivated' // critical
  | 'InvalidFirmwareSignature'
  | 'InvalidFirmwareSigningCertificate'
  | 'InvalidCentralSystemCertificate'
  | 'InvalidChargePointCertificate'
  | 'InvalidTLSVersion'
  | 'InvalidTLSCipherSuite';

export interface SecurityEvent {
  type: string;
  timestamp: string;
  techInfo?: string;
}

/** One connection, as the sender needs it. */
export interface EventLink {
  call(action: string, payload: object): Promise<any>;
  isOpen(): boolean;
}

export interface SecurityEventsOptions {
  storage: Storage;
  now: () => number;
  log: Logger;
  setTimeout: (fn: () => void, ms: number) => Timer;
  /** TransactionMessageAttempts, TransactionMessageRetryInterval (s). */
  attempts: () => number;
  retryInterval: () => number;
  /** Are notifications sent (the station uses the security extension)? */
  notify: () => boolean;
}

const QUEUE = 'security-events.log';
const SECURITY_LOG = 'security.log';
/** Undelivered notifications kept at most; beyond, the oldest goes (it stays in the security log). */
const MAX_PENDING = 100;
/** The security log keeps the newest lines: trimmed to KEEP when it reaches twice as many. */
const SECURITY_LOG_KEEP = 200;
/** Rewrite the queue file when it holds this many records more than the pending ones. */
const COMPACT_SLACK = 32;
const TECH_INFO_MAX = 255; // SecurityEventNotification.req techInfo maxLength

interface Pending {
  seq: number;
  event: SecurityEvent;
}

export class SecurityEvents {
  private pending: Pending[] = [];
  private nextSeq = 1;
  private records = 0;
  private logLines: number;
  private link: EventLink | null = null;
  private busy = false;
  private retry: Timer | null = null;
  private failures = 0;

  constructor(private readonly o: SecurityEventsOptions) {
    this.replay();
    this.logLines = o.storage.records(SECURITY_LOG).length;
  }

  /** Records an event in the security log and queues its notification (durably, before it returns). */
  raise(type: SecurityEventType, techInfo?: string): void {
    const event: SecurityEvent = { type, timestamp: new Date(this.o.now()).toISOString() };
    if (techInfo) event.techInfo = techInfo.substring(0, TECH_INFO_MAX);
    this.appendToLog(event);
    this.o.log.info('security event ' + type + (techInfo ? ' (' + techInfo + ')' : ''));
    if (!this.o.notify()) return;
    const seq = this.nextSeq++;
    this.write({ q: seq, e: event });
    this.pending.push({ seq, event });
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.shift()!;
      this.write({ d: dropped.seq });
      this.o.log.warning('security events: more than ' + MAX_PENDING + ' undelivered, the oldest (' + dropped.event.type + ') is not sent');
    }
    this.kick();
  }

  /** Notifications not yet answered by the CSMS, oldest first. */
  waiting(): SecurityEvent[] {
    return this.pending.map((p) => p.event);
  }

  /** The security log, oldest first: one line per event, "<timestamp> <type>[ <techInfo>]". */
  securityLog(): string[] {
    return this.o.storage.records(SECURITY_LOG);
  }

  /** Accepted by the CSMS and connected: deliver. */
  online(link: EventLink): void {
    this.link = link;
    this.kick();
  }

  offline(): void {
    this.link = null;
    if (this.retry) this.retry.cancel();
    this.retry = null;
  }

  private kick(): void {
    const link = this.link;
    if (!link || this.busy || this.retry || !this.pending.length) return;
    const head = this.pending[0];
    this.busy = true;
    link.call('SecurityEventNotification', head.event).then(
      () => {
        this.busy = false;
        this.failures = 0;
        this.complete(head.seq);
        this.kick();
      },
      (error: any) => {
        this.busy = false;
        if (this.link !== link || !link.isOpen()) return; // goes again on the next connection
        this.failed(head, error);
        this.kick();
      }
    );
  }

  private failed(head: Pending, error: any): void {
    this.failures++;
    const why = (error && (error.code || error.message)) || String(error);
    if (this.failures >= Math.max(1, this.o.attempts())) {
      this.o.log.error('SecurityEventNotification ' + head.event.type + ' given up after ' + this.failures + ' attempt(s): ' + why);
      this.failures = 0;
      this.complete(head.seq);
      return;
    }
    const wait = this.o.retryInterval() * this.failures;
    this.o.log.warning('SecurityEventNotification attempt ' + this.failures + ' failed (' + why + '); again in ' + wait + ' s');
    this.retry = this.o.setTimeout(() => {
      this.retry = null;
      this.kick();
    }, wait * 1000);
  }

  private complete(seq: number): void {
    for (let i = 0; i < this.pending.length; i++) {
      if (this.pending[i].seq !== seq) continue;
      this.pending.splice(i, 1);
      this.write({ d: seq });
      if (this.records - this.pending.length >= COMPACT_SLACK) this.compact();
      return;
    }
  }

  // ---- storage -----------------------------------------------------------------------

  private appendToLog(event: SecurityEvent): void {
    const storage = this.o.storage;
    storage.append(SECURITY_LOG, event.timestamp + ' ' + event.type + (event.techInfo ? ' ' + event.techInfo.replace(/[\r\n]+/g, ' ') : ''));
    if (++this.logLines >= 2 * SECURITY_LOG_KEEP) {
      const lines = storage.records(SECURITY_LOG);
      const kept = lines.slice(lines.length - SECURITY_LOG_KEEP);
      storage.set(SECURITY_LOG, kept.join('\n') + '\n');
      this.logLines = kept.length;
    }
  }

  private write(record: object): void {
    this.o.storage.append(QUEUE, JSON.stringify(record));
    this.records++;
  }

  private replay(): void {
    const lines = this.o.storage.records(QUEUE);
    const bySeq: { [seq: string]: SecurityEvent } = {};
    const order: number[] = [];
    for (let i = 0; i < lines.length; i++) {
      let r: any;
      try {
        r = JSON.parse(lines[i]);
      } catch (e) {
        continue; // torn by a power loss
      }
      if (typeof r.q === 'number' && r.e) {
        bySeq[r.q] = r.e;
        order.push(r.q);
        this.nextSeq = Math.max(this.nextSeq, r.q + 1);
      } else if (typeof r.d === 'number') {
        delete bySeq[r.d];
      }
    }
    for (let i = 0; i < order.length; i++) if (bySeq[order[i]]) this.pending.push({ seq: order[i], event: bySeq[order[i]] });
    this.compact(); // a clean file: the next append is not glued to a torn line
  }

  /** Rewrites the queue with only what is pending (one atomic replace). */
  private compact(): void {
    const lines: string[] = [];
    for (let i = 0; i < this.pending.length; i++) lines.push(JSON.stringify({ q: this.pending[i].seq, e: this.pending[i].event }));
    if (lines.length) this.o.storage.set(QUEUE, lines.join('\n') + '\n');
    else this.o.storage.remove(QUEUE);
    this.records = lines.length;
  }
}
