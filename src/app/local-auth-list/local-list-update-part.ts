// SendLocalList's update of the local list as a part (src/lib/parts.ts): a bundle built with
// parts replaces this module by the part's name and carries it behind its own code.
import { definePart } from '../../lib/parts';
import { LocalList, localListUpdate } from './local-list-update';

export const localListUpdatePart = definePart('local-list-update', (localList: LocalList) => localListUpdate(localList));
