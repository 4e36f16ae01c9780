// The Reservation profile as a station feature.
import { StationFeature } from '../feature';
import { Reservations } from './reservations';

export const reservationFeature: StationFeature = {
  name: 'reservation',
  profile: 'Reservation',
  install: (station) => {
    const reservations = new Reservations(station);
    station.features.reservations = reservations;
    return { routes: reservations.routes(), start: () => reservations.start(), stop: () => reservations.stop() };
  },
};
