
export * from './orderEvents';
export { dollarsToCents } from './money';
export * from './orderCommands';
export { orderLines, orderPlacedData, orderTotalCents, transferRequestedData } from './openingEvents';
export { MAX_AMOUNT_CENTS, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from './fields';
export * from './transferEvents';
export { sagaEventContracts, type SagaEvent } from './sagaEvents';
export * from './transferCommands';
export { orderPlacedV1ToV2 } from './upcasters/orderPlacedV1ToV2';

