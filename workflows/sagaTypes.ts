/** The saga types of the built-in processes: in their runs' state, their events and their step activities' names. */
export const ORDER_SAGA_TYPE = 'OrderFulfillment';
export const TRANSFER_SAGA_TYPE = 'MoneyTransfer';
