/** The transfer saga's type: in its runs' state, its saga events and its step activities' names. */
export const TRANSFER_SAGA_TYPE = 'MoneyTransfer';
