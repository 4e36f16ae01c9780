// SendLocalList's update of the local list as a part (src/lib/parts.ts): a bundle built with
// parts replaces this module by the part's name and carries it behind its own code.
import { definePart } from '../../lib/parts';
import { localListUpdate } from './local-list-update';
import type { LocalAuthList } from './local-auth-list';

export const localListUpdatePart = definePart('local-list-update', (localList: LocalAuthList) => localListUpdate(localList));
