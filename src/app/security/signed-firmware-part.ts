// The security extension's signed firmware update as a part (src/lib/parts.ts): a bundle built
// with parts replaces this module by the part's name and carries the flow behind its own code.
import { definePart } from '../../lib/parts';
import { SignedFirmware, SignedFirmwareContext } from './signed-firmware';

export const signedFirmwarePart = definePart('signed-firmware', (context: SignedFirmwareContext) => new SignedFirmware(context));
