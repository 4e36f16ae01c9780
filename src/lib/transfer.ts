// One transfer flow for every download and upload the station makes on the CSMS's request
// (a firmware image, a signed firmware image, a diagnostics file, a log): the job under way
// (a newer request replaces it), kept in storage when the flow has a file so a reboot on
// the way loses nothing, a start at a scheduled wall-clock time (waited for in steps, as the
// clock may be set meanwhile), retries `retryInterval` apart, the install once no
// transaction runs and the restart into the new image, and the status notifications, of
// which only the latest of each kind goes out once the station is back online; a job's final
// status stays owed in its record until the CSMS has answered it. Nothing here knows OCPP:
// the features (app/firmware/firmware.ts, app/security/signed-firmware.ts and
// lib/log-upload.ts) give the phases, the wording and the messages.
//
// The flows that use it run in parts (src/lib/parts.ts) in a bundle built with parts, and
// this module is resident: they take it as a value (TransferKit, in their context) rather
// than import it, so no part carries a copy of it (the build refuses one that does). What
// they take of their requests (the start time, the retries) is transfer-request.ts's.

export interface TransferHost {
  /** Wall clock, ms. */
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
  log: { info(text: string): void; warning(text: string): void; error(text: string): void };
  storage: { get(key: string): string | null; set(key: string, value: string): void; remove(key: string): void };
}

/** What every job has: its retries. A job is stored as JSON, so it is plain data. */
export interface TransferJob {
  /** Attempts left after the current one. */
  retriesLeft: number;
  retryIntervalS: number;
  /** The final status, once the job reached it: owed to the CSMS (kept in the record) until answered. */
  outcome?: string;
}

/** Longest single timer; longer waits are taken in steps (the clock may be set meanwhile). */
const MAX_WAIT_MS = 86400000;
/** A moment for the last notification to be answered before the restart into a new image. */
const REBOOT_DELAY_MS = 1000;

export class TransferFlow<J extends TransferJob> {
  /** The job under way, or null. */
  job: J | null = null;
  private timer: { cancel(): void } | null = null;

  /** `file`: where the job is kept across a reboot (none: it is not kept). */
  constructor(private readonly host: TransferHost, private readonly file?: string) {}

  /** At boot: the job a reboot interrupted (an unreadable record is dropped, with a warning naming `what`). */
  restore(what: string): J | null {
    const text = this.file ? this.host.storage.get(this.file) : null;
    if (!text || !this.file) return null;
    try {
      this.job = JSON.parse(text);
    } catch (e) {
      this.host.log.warning(what + ' record unreadable: dropped');
      this.host.storage.remove(this.file);
    }
    return this.job;
  }

  /** A new job: it replaces the one under way (whose timer goes) and is stored. */
  begin(job: J): J {
    this.cancel();
    this.job = job;
    this.save();
    return job;
  }

  /** Stores the job's progress. */
  save(): void {
    if (this.job && this.file) this.host.storage.set(this.file, JSON.stringify(this.job));
  }

  /** The job is over: forgotten, its record removed, its timer gone. Returns it. */
  end(): J | null {
    const job = this.job;
    this.job = null;
    this.cancel();
    if (this.file) this.host.storage.remove(this.file);
    return job;
  }

  /**
   * The job reached its final status `outcome`: the job is over, but its record stays (with
   * the outcome) until the CSMS has answered the notification of it, so a power cut before
   * that reports it again at the next boot. Returns what ends the job then (give it to
   * HeldNotifications.notify); a job replaced meanwhile stays replaced.
   */
  conclude(job: J, outcome: string): () => void {
    this.cancel();
    job.outcome = outcome;
    this.save();
    return () => {
      if (this.job === job) this.end();
    };
  }

  /** Is `job` still the one under way (not replaced or ended meanwhile)? */
  isCurrent(job: J): boolean {
    return this.job === job;
  }

  /** Is a wait or a retry pending? */
  get waiting(): boolean {
    return this.timer !== null;
  }

  /** Cancels the pending wait (the job stays). */
  cancel(): void {
    if (this.timer) this.timer.cancel();
    this.timer = null;
  }

  /** Runs `then` at wall-clock time `at` (at once when it is past). */
  waitUntil(at: number, then: () => void): void {
    this.cancel();
    const host = this.host;
    this.timer = host.setTimeout(() => {
      this.timer = null;
      if (at > host.now()) this.waitUntil(at, then);
      else then();
    }, Math.max(0, Math.min(at - host.now(), MAX_WAIT_MS)));
  }

  /** Runs `then` after `ms` if the job is still the one under way. */
  after(job: J, ms: number, then: () => void): void {
    this.cancel();
    this.timer = this.host.setTimeout(() => {
      this.timer = null;
      if (this.job === job) then();
    }, ms);
  }

  /**
   * An attempt failed: with retries left, one is used and `again` runs retryInterval later
   * (true); without, false. `retryAt` stores the time of the next attempt in the job (a
   * scheduled job's start), so a reboot meanwhile waits for the same time.
   */
  retry(job: J, again: () => void, retryAt?: (job: J, at: number) => void): boolean {
    if (job.retriesLeft <= 0) return false;
    job.retriesLeft--;
    const at = this.host.now() + job.retryIntervalS * 1000;
    if (retryAt) {
      retryAt(job, at);
      this.save();
      this.waitUntil(at, again);
    } else {
      this.after(job, job.retryIntervalS * 1000, again);
    }
    return true;
  }

  /** Installed: the restart into the new image follows in a moment. */
  restartSoon(restart: () => void): void {
    this.cancel();
    this.timer = this.host.setTimeout(restart, REBOOT_DELAY_MS);
  }
}

interface HeldNotification<N> {
  action: keyof N & string;
  payload: N[keyof N];
  answered?: () => void;
}

/**
 * Status notifications of transfers: sent at once while online; while not, only the latest
 * of each kind is kept, and sent once online again (in the order they were last set).
 * `send` resolves with the CSMS's answer, or null when there was none (offline, a
 * CALLERROR, no answer in time). N: the notifications' payload types by action (the
 * version's generated request types).
 */
export class HeldNotifications<N> {
  private held: HeldNotification<N>[] = [];
  /** Notifications sent and not answered yet. */
  private unanswered = 0;

  /** `settled`: told each time the CSMS answered one (or the connection lost it). */
  constructor(private readonly isOnline: () => boolean, private readonly send: (action: keyof N & string, payload: N[keyof N]) => Promise<unknown>, private readonly settled?: () => void) {}

  /**
   * `answered` runs once the CSMS has answered this notification. One the connection lost
   * before its answer is held again (unless a newer one of its kind is), for the next flush.
   */
  notify<A extends keyof N & string>(action: A, payload: N[A], answered?: () => void): void {
    const n: HeldNotification<N> = { action, payload, answered };
    if (this.isOnline()) this.deliver(n);
    else this.hold(n);
  }

  /** Is a notification held back, waiting for the station to be online? */
  pending(): boolean {
    return this.held.length > 0;
  }

  /** A notification held back, or sent and not answered yet (counted where its answer is waited for: `answered` or `settled`). */
  underWay(): boolean {
    return this.held.length > 0 || this.unanswered > 0;
  }

  /** Online again: what was held goes now. */
  flush(): void {
    const held = this.held;
    this.held = [];
    for (let i = 0; i < held.length; i++) this.deliver(held[i]);
  }

  private hold(n: HeldNotification<N>): void {
    this.held = this.held.filter((h) => h.action !== n.action);
    this.held.push(n);
  }

  private deliver(n: HeldNotification<N>): void {
    const answered = n.answered;
    const sent = this.send(n.action, n.payload);
    // One whose answer nobody waits for gets no reaction: a flow in a part, let go as soon as its
    // job has ended, leaves nothing of its code in a promise still waiting for the CSMS.
    if (!answered && !this.settled) return;
    this.unanswered++;
    sent.then((answer) => {
      this.unanswered--;
      if (answer && answered) answered();
      else if (answered && !this.isOnline() && !this.held.some((h) => h.action === n.action)) this.hold(n);
      if (this.settled) this.settled();
    });
  }
}

/** A time as it goes into a file name: 20240101T120000Z. */
export function fileStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/**
 * This module's code as a value, for the flows that run in parts: a part takes it from the
 * resident bundle through its context (a part's code must not be resident too).
 */
export interface TransferKit {
  readonly TransferFlow: typeof TransferFlow;
  readonly HeldNotifications: typeof HeldNotifications;
  readonly fileStamp: typeof fileStamp;
}

export const transferKit: TransferKit = { TransferFlow, HeldNotifications, fileStamp };
