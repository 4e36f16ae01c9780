// ReserveNow and CancelReservation as a part (src/lib/parts.ts): a bundle built with parts
// replaces this module by the part's name and carries them behind its own code.
import { definePart } from '../../lib/parts';
import { reservationRequests } from './reservation-requests';
import type { Reservations } from './reservations';

export const reservationRequestsPart = definePart('reservation-requests', (reservations: Reservations) => reservationRequests(reservations));
