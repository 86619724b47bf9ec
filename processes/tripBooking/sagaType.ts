/** The trip saga's type: in its runs' state, its saga events and its step activities' names. */
export const TRIP_SAGA_TYPE = 'TripBooking';
