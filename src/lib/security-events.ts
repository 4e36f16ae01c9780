// Security events, for either OCPP version (the 1.6 security whitepaper section 4, OCPP
// 2.0.1 A04): every event goes to the station's security log (`security.log`, what GetLog
// SecurityLog uploads) and, when `notify` says so, is sent to the CSMS as a
// SecurityEventNotification (its payload, { type, timestamp, techInfo }, is the same in both
// versions). Like a transaction message, the notification goes through a durable outbox
// (src/lib/outbox.ts and outbox-sender.ts, here configured with `security-events.log`):
// written to storage before it is sent and delivered in order, each until the CSMS answered
// it: a dropped link or a power loss loses none. A CALLERROR or no answer while the link
// stays up counts as a failed attempt (retried after `retryInterval` × attempts, given up
// after `attempts`). Which events exist is the version's (its type parameter).
import { Logger, Storage, Timer } from '../../hal/index';
import { Outbox } from './outbox';
import { OutboxSender } from './outbox-sender';

export interface SecurityEvent {
  type: string;
  timestamp: string;
  techInfo?: string;
}

/** The notification as both versions' generated SecurityEventNotificationRequest take it; nothing is read of its answer. */
interface EventRequests {
  SecurityEventNotification: SecurityEvent;
}
interface EventResponses {
  SecurityEventNotification: unknown;
}

/** One connection, as the sender needs it (either version's link). */
export interface EventLink {
  call(action: 'SecurityEventNotification', payload: SecurityEvent): Promise<unknown>;
  isOpen(): boolean;
}

export interface SecurityEventsOptions {
  storage: Storage;
  now: () => number;
  log: Logger;
  setTimeout: (fn: () => void, ms: number) => Timer;
  /** Failed attempts before a notification is given up; the wait after the n-th is n × retryInterval (s). */
  attempts: () => number;
  retryInterval: () => number;
  /** Is an event of this type sent to the CSMS (else it is only logged)? */
  notify: (type: string) => boolean;
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

export class SecurityEvents<T extends string = string> {
  private readonly outbox: Outbox<SecurityEvent>;
  private readonly sender: OutboxSender<{ seq: number; entry: SecurityEvent }, EventRequests, EventResponses, 'SecurityEventNotification'>;
  private logLines: number;

  constructor(private readonly options: SecurityEventsOptions) {
    this.outbox = new Outbox<SecurityEvent>(options.storage, {
      file: QUEUE,
      compactSlack: COMPACT_SLACK,
      encode: (seq, event) => JSON.stringify({ q: seq, e: event }),
      decode: (r) => r.e || null,
    }).load();
    this.sender = new OutboxSender({
      head: () => this.outbox.head(),
      prepare: (head) => ({ action: 'SecurityEventNotification', payload: head.entry }),
      answered: (head) => this.outbox.complete(head.seq),
      givenUp: (head) => this.outbox.complete(head.seq),
      describe: (head) => 'SecurityEventNotification ' + head.entry.type,
      why: (error) => (error && (error.code || error.message)) || String(error),
      attempts: options.attempts,
      retryInterval: options.retryInterval,
      setTimeout: options.setTimeout,
      log: options.log,
    });
    this.logLines = options.storage.records(SECURITY_LOG).length;
  }

  /** Records an event in the security log and queues its notification (durably, before it returns). */
  raise(type: T, techInfo?: string): void {
    const event: SecurityEvent = { type, timestamp: new Date(this.options.now()).toISOString() };
    if (techInfo) event.techInfo = techInfo.substring(0, TECH_INFO_MAX);
    this.appendToLog(event);
    this.options.log.info('security event ' + type + (techInfo ? ' (' + techInfo + ')' : ''));
    if (!this.options.notify(type)) return;
    this.outbox.push(event);
    if (this.outbox.size() > MAX_PENDING) {
      const dropped = this.outbox.head()!;
      this.outbox.markDone(dropped.seq);
      this.options.log.warning('security events: more than ' + MAX_PENDING + ' undelivered, the oldest (' + dropped.entry.type + ') is not sent');
    }
    this.sender.sendNext();
  }

  /** Notifications not yet answered by the CSMS, oldest first. */
  waiting(): SecurityEvent[] {
    return this.outbox.list().map((p) => p.entry);
  }

  /** The security log, oldest first: one line per event, "<timestamp> <type>[ <techInfo>]". */
  securityLog(): string[] {
    return this.options.storage.records(SECURITY_LOG);
  }

  /** Accepted by the CSMS and connected: deliver. */
  online(link: EventLink): void {
    this.sender.online(link);
  }

  offline(): void {
    this.sender.offline();
  }

  // ---- storage -----------------------------------------------------------------------

  private appendToLog(event: SecurityEvent): void {
    const storage = this.options.storage;
    storage.append(SECURITY_LOG, event.timestamp + ' ' + event.type + (event.techInfo ? ' ' + event.techInfo.replace(/[\r\n]+/g, ' ') : ''));
    if (++this.logLines >= 2 * SECURITY_LOG_KEEP) {
      const lines = storage.records(SECURITY_LOG);
      const kept = lines.slice(lines.length - SECURITY_LOG_KEEP);
      storage.set(SECURITY_LOG, kept.join('\n') + '\n');
      this.logLines = kept.length;
    }
  }

}
