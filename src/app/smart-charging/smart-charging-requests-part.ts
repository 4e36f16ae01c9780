// ClearChargingProfile and GetCompositeSchedule as a part (src/lib/parts.ts): a bundle built with
// parts replaces this module by the part's name and carries them behind its own code.
import { definePart } from '../../lib/parts';
import { smartChargingRequests } from './smart-charging-requests';
import type { SmartCharging } from './smart-charging';

export const smartChargingRequestsPart = definePart('smart-charging-requests', (smartCharging: SmartCharging) => smartChargingRequests(smartCharging));
