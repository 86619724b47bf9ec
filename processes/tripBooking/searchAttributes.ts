import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The trip id of a TripBooking run: how its runs are listed and found in the Web UI. */
export const TripId = defineSearchAttributeKey('TripId', SearchAttributeType.KEYWORD);
