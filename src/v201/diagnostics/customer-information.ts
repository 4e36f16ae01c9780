// Functional block N, CustomerInformation (N09, N10): what the station keeps about a
// customer, reported in NotifyCustomerInformation and/or cleared. Kept about an idToken: the
// authorization cache's entry (block C) and the local list's (block D). Cleared: the cache's;
// the local list only the CSMS changes, with SendLocalList (N10.FR.02/03/06), so it is
// reported, never cleared. Nothing is kept by customerIdentifier or customerCertificate, so
// those find no data. Transaction events waiting to be delivered keep their idToken: they are
// the CSMS's own records on the way, not cleared here.
import { StationContext } from '../context';
import { CustomerInformationRequest, IdToken } from '../../ocpp/v201/generated/types';
import { AuthorizationCache } from '../authorization/authorization-cache';
import { LocalAuthList } from '../local-auth-list/local-auth-list';

/** NotifyCustomerInformation.data is string[0..512]: longer reports go in parts (tbc). */
const DATA_MAX = 512;

export interface CustomerStores {
  cache?: AuthorizationCache | null;
  list?: LocalAuthList | null;
}

export function installCustomerInformation(station: StationContext, stores: CustomerStores): void {
  const hal = station.hal;

  /** What is kept about an idToken, one line per store. */
  const kept = (idToken: IdToken): string[] => {
    const out: string[] = [];
    const cached = stores.cache ? stores.cache.peek(idToken) : null;
    if (cached) out.push('AuthorizationCache ' + JSON.stringify({ idToken, idTokenInfo: cached }));
    const listed = stores.list ? stores.list.lookup(idToken) : null;
    if (listed) out.push('LocalAuthorizationList ' + JSON.stringify({ idToken, idTokenInfo: listed }));
    return out;
  };

  const notify = (requestId: number, text: string) => {
    const generatedAt = new Date(hal.now()).toISOString();
    const parts = Math.max(1, Math.ceil(text.length / DATA_MAX));
    for (let seqNo = 0; seqNo < parts; seqNo++) {
      const payload: { data: string; seqNo: number; generatedAt: string; requestId: number; tbc?: boolean } = { data: text.substring(seqNo * DATA_MAX, (seqNo + 1) * DATA_MAX), seqNo, generatedAt, requestId };
      if (seqNo < parts - 1) payload.tbc = true;
      station.sendRequested('NotifyCustomerInformation', payload);
    }
  };

  station.route({
    CustomerInformation: {
      on: (p: CustomerInformationRequest) => {
        const references = (p.idToken ? 1 : 0) + (p.customerCertificate ? 1 : 0) + (p.customerIdentifier !== undefined ? 1 : 0);
        if (references !== 1) return { status: 'Invalid' as const }; // N09.FR.09: exactly one reference
        if (!p.report && !p.clear) return { status: 'Rejected' as const }; // N09.FR.07, N10.FR.07
        return { status: 'Accepted' as const }; // N09.FR.02, N10.FR.01
      },
      after: (p, response) => {
        if (response.status !== 'Accepted') return;
        const found = p.idToken ? kept(p.idToken) : [];
        const cleared = !!(p.clear && p.idToken && stores.cache && stores.cache.remove(p.idToken));
        if (cleared) hal.log.info('CustomerInformation ' + p.requestId + ': the cached authorization of ' + p.idToken!.idToken + ' cleared');
        if (p.report) notify(p.requestId, found.length ? found.join('\n') : 'No data found'); // N09.FR.05/06, N10.FR.03/04
        else if (cleared) notify(p.requestId, 'Cleared'); // N10.FR.06
        else notify(p.requestId, found.length ? 'Nothing cleared: kept only in the local authorization list, which the CSMS updates' : 'No data found');
      },
    },
  });
}
