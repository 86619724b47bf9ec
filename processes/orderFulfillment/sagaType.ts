/** The order saga's type: in its runs' state, its saga events and its step activities' names. */
export const ORDER_SAGA_TYPE = 'OrderFulfillment';
