// The transfer flow (transfer.ts) as a part of its own, which the transfer parts run on (1.6's
// firmware flows, signed update and log upload; 2.0.1's update and upload): a bundle built with parts
// carries it once behind its own code and loads it with the first of them that runs, so its
// code is resident in none and loaded once however many of them run (shared-parts.ts).
import { definePart } from './parts';
import { transferKit } from './transfer';

export const transferPart = definePart('transfer', () => transferKit);
