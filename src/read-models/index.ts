export { orderSummary, evolveOrderSummary, type OrderSummaryRow, type OrderSagaStatus, type OrderOutcome } from './orderSummary';
export { orderTimeline } from './orderTimeline';
export { sagaOutcomesProjection, evolveSagaOutcome, type SagaOutcome, type SagaOutcomeRow, type SagaOutcomeSource } from './sagaOutcomes';
export { ProcessSagaFacts } from './sagaFacts';
export { inventoryLevels } from './inventoryLevels';
export { createOrderReader, type GetOrderOptions, type OrderReader, type OrderView } from './orderReader';
