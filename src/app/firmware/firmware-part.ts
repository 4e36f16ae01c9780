// The Firmware Management flows as a part (src/lib/parts.ts): a bundle built with parts
// replaces this module by the part's name and carries the flows behind its own code.
import { definePart } from '../../lib/parts';
import { FirmwareFlows, FirmwarePartContext } from './firmware-flows';

export const firmwarePart = definePart('firmware', (context: FirmwarePartContext) => new FirmwareFlows(context));
