// ClearChargingProfile and GetCompositeSchedule as a part (src/lib/parts.ts): a bundle built with
// parts replaces this module by the part's name and carries them behind its own code.
import { definePart } from '../../lib/parts';
import { ChargingProfiles, smartChargingRequests } from './smart-charging-requests';

export const smartChargingRequestsPart = definePart('smart-charging-requests', (smartCharging: ChargingProfiles) => smartChargingRequests(smartCharging));
