// ReserveNow and CancelReservation as a part (src/lib/parts.ts): a bundle built with parts
// replaces this module by the part's name and carries them behind its own code.
import { definePart } from '../../lib/parts';
import { ReservationBook, reservationRequests } from './reservation-requests';

export const reservationRequestsPart = definePart('reservation-requests', (reservations: ReservationBook) => reservationRequests(reservations));
