import type pg from 'pg';
import { composition } from '../../processes';
import { SimulatedFaults, type FaultPlan } from '../../src/adapters';

/** The simulated services' fault plans, for every operation of the deployment's processes. */
export function simulatedFaults(pool: pg.Pool): SimulatedFaults {
  return new SimulatedFaults(pool, composition.simulatedOperations);
}

/**
 * Stores a fault plan for every call of one saga run: sagas key their calls `<workflow id>:<step>`.
 * Call it before starting the run.
 */
export async function planFaults(pool: pg.Pool, workflowId: string, plan: FaultPlan): Promise<void> {
  if (Object.keys(plan).length > 0) await simulatedFaults(pool).plan(`${workflowId}:`, plan);
}
