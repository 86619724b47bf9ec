import type { Projection } from '../projections';
import { inventoryLevels } from './inventoryLevels';
import { orderSummary } from './orderSummary';
import { orderTimeline } from './orderTimeline';
import { sagaOutcomes } from './sagaOutcomes';

export { orderSummary, evolveOrderSummary, type OrderSummaryRow, type OrderSagaStatus, type OrderOutcome } from './orderSummary';
export { orderTimeline } from './orderTimeline';
export { sagaOutcomes, evolveSagaOutcome, type SagaOutcomeOrderRow } from './sagaOutcomes';
export { inventoryLevels } from './inventoryLevels';
export { createOrderReader, type GetOrderOptions, type OrderReader, type OrderView } from './orderReader';

/** The read models the projection worker runs. */
export const readModels: readonly Projection[] = [orderSummary, orderTimeline, sagaOutcomes, inventoryLevels];
