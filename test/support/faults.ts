import type pg from 'pg';
import { createSimulatedServices, type FaultPlan } from '../../src/adapters';

/**
 * Stores a fault plan for every call of one saga run: sagas key their calls `<workflow id>:<step>`.
 * Call it before starting the run.
 */
export async function planFaults(pool: pg.Pool, workflowId: string, plan: FaultPlan): Promise<void> {
  if (Object.keys(plan).length > 0) await createSimulatedServices(pool).faults.plan(`${workflowId}:`, plan);
}
