import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { TripId } from '../processes/tripBooking/searchAttributes';
import { sagaSearchAttributes } from '../src/saga/searchAttributes';

export const OrderId = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
export const CustomerId = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const TransferId = defineSearchAttributeKey('TransferId', SearchAttributeType.KEYWORD);

/** Every custom search attribute this project's workflows set; the Temporal namespace must know each one. */
export const allSearchAttributes = [...sagaSearchAttributes, OrderId, CustomerId, TransferId, TripId];
