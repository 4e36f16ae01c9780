// The UpdateFirmware flow as a part (src/lib/parts.ts): a bundle built with parts replaces this
// module by the part's name and carries the flow behind its own code.
import { definePart } from '../../lib/parts';
import { FirmwareUpdateFlow, FirmwareUpdateContext } from './update-flow';

export const firmwarePart = definePart('firmware', (context: FirmwareUpdateContext) => new FirmwareUpdateFlow(context));
