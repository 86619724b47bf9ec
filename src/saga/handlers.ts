import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { SagaState } from './types';

/** The run's live state: status, every step and its compensation, the failure. */
export const sagaStateQuery = defineQuery<SagaState>('sagaState');

/** Operator: run the failed compensation again (with a fresh retry budget). */
export const retryCompensationSignal = defineSignal('retryCompensation');

/** Operator: the failed compensation was handled by hand; record the note and carry on. */
export const resolveCompensationSignal = defineSignal<[{ note: string; resolvedBy: string }]>('resolveCompensation');
