import type { Pool } from 'pg';
import { createTripSteps } from '../processes/tripBooking/steps';
import { createSimulatedServices } from '../src/adapters';
import type { BankService, FraudScreeningService, InventoryService, PaymentService, ShippingService } from '../src/adapters/types';
import type { EventStore } from '../src/eventstore';
import { RECORD_SAGA_EVENT, stepActivityType } from '../src/saga';
import type { EventSlot } from '../src/saga/eventStream';
import { createOrderActivities } from './legacy/orderActivities';
import { createTransferActivities } from './legacy/transferActivities';
import { createOrderSteps } from './orderSteps';
import { createPingActivities } from './ping';
import { recordEvent } from './recordEvent';
import { registerActivities, type ActivitySource } from './registry';
import { createTransferSteps } from './transferSteps';

export { recordStepEvents } from './stepRecorder';
export { ActivityNameCollisionError } from './registry';

export interface ActivityDeps {
  pool: Pool;
  store: EventStore;
  /** The external services; by default the simulated ones on the same database. */
  services?: { inventory: InventoryService; fraud: FraudScreeningService; payments: PaymentService; shipping: ShippingService; bank: BankService };
}

/** A process's step activities under their registered names (`<saga type>.<step>`). */
function stepActivities(sagaType: string, steps: ActivitySource['activities']): ActivitySource {
  return { owner: `process ${sagaType}`, activities: Object.fromEntries(Object.entries(steps).map(([step, fn]) => [stepActivityType(sagaType, step), fn])) };
}

/**
 * Every activity the saga worker registers, built over shared dependencies (the pool, the store,
 * the adapters). Step activities reply through the worker's step recorder (recordStepEvents).
 */
export function createActivities({ pool, store, services }: ActivityDeps) {
  const { inventory, fraud, payments, shipping, bank } = services ?? createSimulatedServices(pool);
  return registerActivities([
    { owner: 'the ping check', activities: createPingActivities({ pool }) },
    { owner: 'the saga engine', activities: { [RECORD_SAGA_EVENT]: (slot: EventSlot, type: string, data: unknown) => recordEvent(store, slot, type, data) } },
    stepActivities('OrderFulfillment', createOrderSteps({ inventory, fraud, payments, shipping })),
    stepActivities('MoneyTransfer', createTransferSteps({ bank })),
    stepActivities('TripBooking', createTripSteps({ pool })),
    // Runs started before the step engine call these (workflows/legacy); retire with STEP_ENGINE_PATCH.
    { owner: 'process OrderFulfillment (before the step engine)', activities: createOrderActivities({ store, inventory, fraud, payments, shipping }) },
    { owner: 'process MoneyTransfer (before the step engine)', activities: createTransferActivities({ store, bank }) },
  ]);
}
