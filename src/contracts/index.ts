export { dollarsToCents, formatMoney } from './money';
export { MAX_AMOUNT_CENTS, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from './fields';
export { sagaEventContracts, type SagaEvent } from './sagaEvents';
