// Workflow code imports this module: it must stay free of zod and of Node APIs.
import type { SagaEventTypes } from '../../../src/saga/sagaEvents';

/**
 * The order saga's own types for its saga-level facts: runs started before the engine's events
 * (SAGA_EVENTS) record these, and the order read models read both.
 */
export const ORDER_LEGACY_SAGA_EVENTS = {
  completed: 'OrderCompleted',
  failed: 'OrderCancelled',
  compensationFailed: 'CompensationFailed',
  compensationResolved: 'CompensationResolved',
} as const satisfies SagaEventTypes;
