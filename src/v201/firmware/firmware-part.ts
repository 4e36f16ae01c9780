// Block L's update flow as a part (src/lib/parts.ts): a bundle built with parts replaces this
// module by the part's name and carries the flow behind its own code.
import { definePart } from '../../lib/parts';
import { openFirmwareUpdate } from './firmware-flow';

export const firmwarePart201 = definePart('firmware-201', openFirmwareUpdate);
