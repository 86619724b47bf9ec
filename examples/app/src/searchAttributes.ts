import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The ticket id of a TicketBooking run: how its runs are listed and found. */
export const TicketId = defineSearchAttributeKey('TicketId', SearchAttributeType.KEYWORD);
