// The answers to the Core profile's CSMS-initiated actions as a part (src/lib/parts.ts): a
// bundle built with parts replaces this module by the part's name and carries them behind its
// own code; core-routes.ts opens it when such a CALL arrives.
import { definePart } from '../../lib/parts';
import { CoreContext } from '../context';
import { coreRequests } from './core-requests';

export const coreRequestsPart = definePart('core-requests', (station: CoreContext) => coreRequests(station));
