import type { Pool } from 'pg';
import { createSimulatedServices } from '../src/adapters';
import type { BankService, FraudScreeningService, InventoryService, PaymentService, ShippingService } from '../src/adapters/types';
import { contracts } from '../src/contracts';
import { createEventStore } from '../src/eventstore';
import { createOrderActivities } from './orderActivities';
import { createPingActivities } from './ping';
import { createTransferActivities } from './transferActivities';

export interface ActivityDeps {
  pool: Pool;
  /** The external services; by default the simulated ones on the same database. */
  services?: { inventory: InventoryService; fraud: FraudScreeningService; payments: PaymentService; shipping: ShippingService; bank: BankService };
}

/** Every activity the saga worker registers, built over shared dependencies (the pool, the adapters). */
export function createActivities({ pool, services }: ActivityDeps) {
  const store = createEventStore(pool, { contracts });
  const { inventory, fraud, payments, shipping, bank } = services ?? createSimulatedServices(pool);
  return {
    ...createPingActivities({ pool }),
    ...createOrderActivities({ store, inventory, fraud, payments, shipping }),
    ...createTransferActivities({ store, bank }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
