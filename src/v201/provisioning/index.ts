// Provisioning beyond the boot itself (which is the session's): Reset (B11, B12), the
// BootNotification on request, and the controllers whose behaviour is the station's own
// (ClockCtrlr; OCPPCommCtrlr's reset retries).
import { ResetEnum, ResetStatusEnum } from '../../ocpp/v201/generated/types';
import { StationContext } from '../context';

export function provisioning(station: StationContext): void {
  const hal = station.hal;
  station.model.add('ClockCtrlr', [
    { name: 'DateTime', type: 'dateTime', read: () => new Date(hal.now()).toISOString() },
    // The clock comes from the CSMS's currentTime (BootNotification, Heartbeat: B01.FR.06).
    { name: 'TimeSource', type: 'SequenceList', mutability: 'ReadWrite', value: 'Heartbeat', values: 'Heartbeat' },
  ]);
  station.model.add('OCPPCommCtrlr', [{ name: 'ResetRetries', type: 'integer', mutability: 'ReadWrite', value: '0', min: 0 }]);
  for (let e = 1; e <= station.evseCount; e++) station.model.add({ name: 'EVSE', evse: e }, [{ name: 'AllowReset', type: 'boolean', value: 'true', constant: true }]); // B11.FR.10

  // A BootNotification on request: only while not yet Accepted (F06.FR.17: else Rejected).
  station.triggers.add('BootNotification', { status: () => (station.registration === 'Accepted' ? 'Rejected' : 'Accepted'), send: () => station.sendBoot() });

  /** An OnIdle reset waiting for the transactions to end: the EVSE (0: the station). */
  let pending: number | null = null;
  const resetNow = (evseId: number, type: ResetEnum, scheduled: boolean) => {
    if (pending === evseId || !evseId) pending = null; // an EVSE's reset leaves a station reset waiting as it is
    if (evseId) {
      station.availability.hold('reset', evseId, false); // reset: back to what it was (a scheduled reset held it)
      // An EVSE reset ends its transaction (Immediate: at once, B12.FR.08); there is no more to an EVSE here.
      if (type === 'Immediate') station.transactions.stop(evseId, 'ImmediateReset');
      hal.log.info('EVSE ' + evseId + ' reset');
      return;
    }
    hal.log.info('reset (' + type + '): rebooting');
    // Immediate: the transactions end first (B12.FR.04); their Ended events are queued durably and go after the boot (B12.FR.05).
    // The next BootNotification's reason: a reset that waited for the transactions is a ScheduledReset (BootReasonEnumType).
    station.transactions.stop(undefined, 'ImmediateReset').then(() => station.reboot(scheduled ? 'ScheduledReset' : 'RemoteReset'));
  };
  station.on('idle', () => {
    if (pending !== null && !station.transactions.running(pending)) resetNow(pending, 'OnIdle', true); // B12.FR.03, B12.FR.07
  });
  station.route({
    Reset: {
      on: (request): { status: ResetStatusEnum } => {
        const evseId = request.evseId || 0;
        if (evseId < 0 || evseId > station.evseCount) return { status: 'Rejected' };
        // OnIdle while a transaction runs: once it has ended (B12.FR.01); Immediate: at once (B12.FR.02, B11.FR.03).
        return { status: request.type === 'OnIdle' && station.transactions.running(evseId) ? 'Scheduled' : 'Accepted' };
      },
      after: (request, response) => {
        const evseId = request.evseId || 0;
        if (response.status === 'Scheduled') {
          pending = evseId;
          // Meanwhile the EVSEs that are Available become Unavailable, so that no transaction starts there (B12 scenario 3a).
          station.availability.hold('reset', evseId, true);
        } else if (response.status === 'Accepted') resetNow(evseId, request.type, false);
      },
    },
  });
}
