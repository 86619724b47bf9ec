import type pg from 'pg';
import { SimulatedBank } from './simulatedBank';
import type { SimulationOptions } from './simulatedCalls';
import { SimulatedFraudScreening } from './simulatedFraudScreening';
import { SimulatedInventory } from './simulatedInventory';
import { SimulatedPayments } from './simulatedPayments';
import { SimulatedShipping } from './simulatedShipping';

export * from './types';
export { DEFAULT_HANG_MS, type SimulationOptions } from './simulatedCalls';
export { FRAUD_SCREENING_OPERATIONS, LARGE_ORDER_CENTS, SimulatedFraudScreening } from './simulatedFraudScreening';
export { INVENTORY_OPERATIONS, SimulatedInventory, UNSEEDED_STOCK } from './simulatedInventory';
export { PAYMENT_OPERATIONS, SimulatedPayments } from './simulatedPayments';
export { SHIPPING_OPERATIONS, SimulatedShipping, SIMULATED_CARRIER } from './simulatedShipping';
export { BANK_OPERATIONS, SimulatedBank, type MoneySupply } from './simulatedBank';
export { candidatePrefixes, InvalidFaultPlanError, SimulatedFaults, type FaultPlanIssue } from './simulatedFaults';

export type SimulatedServices = ReturnType<typeof createSimulatedServices>;

/** The simulated inventory, fraud screening, payment, shipping and bank services on the sim_* tables of this pool's database. */
export function createSimulatedServices(pool: pg.Pool, options: SimulationOptions = {}) {
  return {
    inventory: new SimulatedInventory(pool, options),
    fraud: new SimulatedFraudScreening(pool, options),
    payments: new SimulatedPayments(pool, options),
    shipping: new SimulatedShipping(pool, options),
    bank: new SimulatedBank(pool, options),
  };
}
