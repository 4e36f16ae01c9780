// What a transfer job takes of its request (UpdateFirmware, GetDiagnostics, SignedUpdateFirmware,
// GetLog of either version): its start time, its retries (`retries`, `retryInterval` in seconds,
// with their defaults here only), and what an install waits for. A module of its own, not
// transfer.ts: the 1.6 station's flows run in parts and no resident code uses these, so each
// part carries them (small functions) while transfer.ts stays resident and given to the parts.
import type { TransferJob } from './transfer';

/** When a request gives none (or a negative one): one retry, 60 s after the first attempt. */
const DEFAULT_RETRIES = 1;
const DEFAULT_RETRY_INTERVAL_S = 60;

/** `job` with its request's `retries` and `retryInterval` (s) as its retries, the defaults where absent or negative. */
export function withRetries<J extends TransferJob>(job: Omit<J, 'retriesLeft' | 'retryIntervalS'>, retries: number | undefined, retryInterval: number | undefined): J {
  const j = job as J;
  j.retriesLeft = retries !== undefined && retries >= 0 ? retries : DEFAULT_RETRIES;
  j.retryIntervalS = retryInterval !== undefined && retryInterval >= 0 ? retryInterval : DEFAULT_RETRY_INTERVAL_S;
  return j;
}

/** The id of a connector with a transaction (an install waits for it), or null: idle. */
export function busyConnector(connectors: { id: number; transaction: unknown }[]): number | null {
  for (let i = 0; i < connectors.length; i++) if (connectors[i].transaction) return connectors[i].id;
  return null;
}

/**
 * How far in the future a requested time may lie and still count as now: the station's clock
 * is set from the CSMS's currentTime without the message's transit time, so a CSMS's "now"
 * can read up to a round trip ahead here — a start that near is no scheduled start (no
 * DownloadScheduled / InstallScheduled before it).
 */
export const NOW_TOLERANCE_MS = 2000;

/** A requested start (an ISO time from the CSMS) as wall-clock ms: now when it is unreadable, past, or within NOW_TOLERANCE_MS of now. */
export function requestedTime(text: string, now: number): number {
  const at = Date.parse(text);
  return isNaN(at) || at <= now + NOW_TOLERANCE_MS ? now : at;
}
