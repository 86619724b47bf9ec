import type { Pool } from 'pg';
import { createSimulatedServices } from '../src/adapters';
import type { FraudScreeningService, InventoryService, PaymentService, ShippingService } from '../src/adapters/types';
import { contracts } from '../src/contracts';
import { createEventStore } from '../src/eventstore';
import { createOrderActivities } from './orderActivities';
import { createPingActivities } from './ping';

export interface ActivityDeps {
  pool: Pool;
  /** The external services; by default the simulated ones on the same database. */
  services?: { inventory: InventoryService; fraud: FraudScreeningService; payments: PaymentService; shipping: ShippingService };
}

/** Every activity the saga worker registers, built over shared dependencies (the pool, the adapters). */
export function createActivities({ pool, services }: ActivityDeps) {
  const store = createEventStore(pool, { contracts });
  return {
    ...createPingActivities({ pool }),
    ...createOrderActivities({ store, ...(services ?? createSimulatedServices(pool)) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
