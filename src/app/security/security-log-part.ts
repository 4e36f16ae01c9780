// The security extension's GetLog upload as a part (src/lib/parts.ts): a bundle built with parts
// replaces this module by the part's name and carries the flow behind its own code.
import { definePart } from '../../lib/parts';
import { openSecurityLog } from './security-log';

export const securityLogPart = definePart('security-log', openSecurityLog);
