// The transfer flow the 1.6 station's transfer parts run on (the Firmware Management flows, the
// security extension's signed update and log upload): one shared part (src/lib/transfer-part.ts)
// for the whole bundle, since it is code, not state, and a part is loaded into the bundle's
// context whichever station opens it.
import { SharedPart } from '../lib/shared-parts';
import { transferPart } from '../lib/transfer-part';

export const transferFlow = new SharedPart(transferPart);
