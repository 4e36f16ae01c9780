// The transfer flow the 2.0.1 station's transfer parts run on (block L's update flow, block N's
// log upload): the shared part of src/lib/transfer-part.ts, one for the whole bundle, so an
// update and an upload at once load its code once (src/lib/shared-parts.ts).
import { SharedPart } from '../lib/shared-parts';
import { transferPart } from '../lib/transfer-part';

export const transferFlow = new SharedPart(transferPart);
