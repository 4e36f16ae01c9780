// Functional block P, DataTransfer, both ways: the CSMS's DataTransfer goes to the handler a
// vendor registered for its vendorId, else UnknownVendorId (P01.FR.05); the station's own
// goes out through `send` (P02), whatever the registration — the answer is the vendor's
// agreement (P01.FR.07, P02.FR.08), so this feature only carries it.
import { StationContext } from '../context';
import { DataTransferResponse } from '../../ocpp/v201/generated/types';

/**
 * A vendor's receiver of the CSMS's DataTransfer: its answer. A messageId it does not know is
 * answered UnknownMessageId (P01.FR.06) by the handler, which alone knows its messages.
 */
export type VendorHandler = (messageId: string | undefined, data: unknown) => DataTransferResponse;

export interface DataTransfer {
  /** Serves the CSMS's DataTransfer of this vendorId (a later handler replaces an earlier one). */
  vendor(vendorId: string, handler: VendorHandler): void;
  /** Sends a DataTransfer to the CSMS (P02): its answer, or null (not online, a CALLERROR, no answer in time). */
  send(vendorId: string, messageId?: string, data?: unknown): Promise<DataTransferResponse | null>;
}

export function installDataTransfer(station: StationContext): DataTransfer {
  const vendors: { [vendorId: string]: VendorHandler } = {};
  station.route({
    DataTransfer: {
      on: (p) => {
        const handler = Object.prototype.hasOwnProperty.call(vendors, p.vendorId) ? vendors[p.vendorId] : null;
        if (!handler) return { status: 'UnknownVendorId' as const };
        try {
          return handler(p.messageId, p.data);
        } catch (e) {
          // A vendor's failure is its Rejected, not a dead route.
          station.hal.log.error('DataTransfer ' + p.vendorId + ': handler failed (' + ((e && (e as Error).message) || e) + ')');
          return { status: 'Rejected' as const };
        }
      },
    },
  });
  return {
    vendor: (vendorId, handler) => {
      vendors[vendorId] = handler;
    },
    send: (vendorId, messageId, data) => {
      const payload: { vendorId: string; messageId?: string; data?: unknown } = { vendorId };
      if (messageId !== undefined) payload.messageId = messageId;
      if (data !== undefined) payload.data = data;
      return station.send('DataTransfer', payload);
    },
  };
}
