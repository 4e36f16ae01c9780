// The security extension's transfers as a part (src/lib/parts.ts): a bundle built with parts
// replaces this module by the part's name and carries them behind its own code.
import { definePart } from '../../lib/parts';
import { SecurityTransfers, SecurityTransfersContext } from './security-transfers';

export const securityTransfersPart = definePart('security-transfers', (context: SecurityTransfersContext) => new SecurityTransfers(context));
