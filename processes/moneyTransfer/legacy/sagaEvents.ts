// Workflow code imports this module: it must stay free of zod and of Node APIs.
import type { SagaEventTypes } from '../../../src/saga/sagaEvents';

/** The transfer saga's own types for its saga-level facts, from before the engine's events. */
export const TRANSFER_LEGACY_SAGA_EVENTS = {
  completed: 'TransferCompleted',
  failed: 'TransferFailed',
  compensationFailed: 'TransferCompensationFailed',
  compensationResolved: 'TransferCompensationResolved',
} as const satisfies SagaEventTypes;
