import type { StreamFold } from '../../../api/worker';
import { ORDER_SAGA_FACTS } from './orderEvents';
import { evolveOrderSummary, type OrderSummaryRow } from './orderSummary';

/** `sagaflow events state Order-…`: the order_summary row the projection would hold after the events. */
export const orderStreamState: StreamFold<OrderSummaryRow | null> = {
  name: 'order_summary',
  initial: () => null,
  // As the projection: another saga type's saga event is not the order's.
  evolve: (row, event) => (ORDER_SAGA_FACTS.concerns(event) ? evolveOrderSummary(row ?? undefined, event) : row),
};
