import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client, type WorkflowExecutionInfo, type WorkflowHandle } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import { COMPENSATED_RUN_TYPES, resolveCompensationSignal, retryCompensationSignal, SAGA_STATUSES, sagaStateQuery, SagaStatusKey, type SagaState, type SagaStatus } from '../saga';
import { InvalidInputError } from './errors';

/** A saga workflow: one input (the validated command), one result. */
type SagaWorkflow<I, R> = (input: I) => Promise<R>;

export interface SagaRunsOptions<I, R> {
  client: Client;
  taskQueue: string;
  workflow: SagaWorkflow<I, R>;
  /** The workflow id of a business key: one run per key, found again from it. */
  workflowId: (key: string) => string;
  /** The business key's name in errors, e.g. `orderId`. */
  keyField: string;
  /** The search attribute holding the business key. */
  keyAttribute: SearchAttributeKey<'KEYWORD'>;
}

export interface StartedRun {
  workflowId: string;
  runId: string;
  /** False when a run for this key had been started before: it is returned, no second one starts. */
  started: boolean;
}

export interface SagaRun {
  /** The business key (order id, transfer id). */
  key: string;
  workflowId: string;
  runId: string;
  sagaStatus: SagaStatus | undefined;
  executionStatus: string;
  startTime: Date;
  closeTime?: Date;
}

export interface ListFilter {
  status?: SagaStatus;
  limit?: number;
}

/**
 * What every saga client does, for one workflow type keyed by a business key: start once per key,
 * query, await, cancel, operate a parked compensation, list by saga status. The process's client
 * adds its input contract and its names.
 */
export function sagaRuns<I, R>({ client, taskQueue, workflow, workflowId, keyField, keyAttribute }: SagaRunsOptions<I, R>) {
  const keyPrefix = workflowId('');
  const requireKey = (value: string, field = keyField) => requireId(value, field);
  const handle = (key: string) => client.workflow.getHandle<SagaWorkflow<I, R>>(workflowId(requireKey(key)));

  return {
    requireKey,

    /**
     * Starts the run for a key with validated input. A key that was started before, whether its run
     * is still going or long finished, returns that run instead of starting a second one.
     */
    async start(
      key: string,
      input: I,
      { searchAttributes, staticSummary, staticDetails }: { searchAttributes: SearchAttributePair[]; staticSummary: string; staticDetails: string },
    ): Promise<StartedRun> {
      const id = workflowId(key);
      try {
        const started = await client.workflow.start(workflow, {
          taskQueue,
          workflowId: id,
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [{ key: keyAttribute, value: key }, ...searchAttributes, { key: SagaStatusKey, value: 'RUNNING' }],
          staticSummary,
          staticDetails,
        });
        return { workflowId: id, runId: started.firstExecutionRunId, started: true };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        const existing = await client.workflow.getHandle(id).describe();
        return { workflowId: id, runId: existing.runId, started: false };
      }
    },

    /** The saga's live state (status, steps, failure), from the running or finished run. */
    state(key: string): Promise<SagaState> {
      return handle(key).query(sagaStateQuery);
    },

    /**
     * Waits for the saga to finish and returns its result, COMPLETED or not: a compensated run of
     * the step engine ends failed (SagaCompensated, SagaCompensationResolved) with its result in
     * the failure's details, read back here; runs started before it completed with theirs. A
     * cancelled run, and one that failed otherwise, rejects with its failure.
     */
    async result(key: string): Promise<R> {
      try {
        return await handle(key).result();
      } catch (error) {
        const result = compensatedResultOf<R>(error);
        if (result === undefined) throw error;
        return result;
      }
    },

    /** Asks the saga to stop; it compensates what it did and ends as cancelled. */
    async cancel(key: string): Promise<void> {
      await handle(key).cancel();
    },

    // Arrow functions: the process clients hand these two on as they are.
    /** Operator: run the failed compensation of a parked saga again. */
    retryCompensation: (key: string): Promise<void> => retryCompensation(handle(key)),

    /** Operator: the failed compensation was handled by hand. */
    resolveCompensation: (key: string, resolution: Resolution): Promise<void> => resolveCompensation(handle(key), resolution),

    /** Runs of this workflow type by saga status (and the caller's own clauses), newest first, through Temporal's visibility store. */
    async list(filter: ListFilter = {}, clauses: string[] = []): Promise<SagaRun[]> {
      if (filter.status !== undefined && !SAGA_STATUSES.includes(filter.status)) {
        throw new InvalidInputError('filter', [{ field: 'status', rule: `must be one of ${SAGA_STATUSES.join(', ')}` }]);
      }
      const limit = filter.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError('filter', [{ field: 'limit', rule: 'must be a whole number ≥ 1' }]);
      const query = [`WorkflowType = '${workflow.name}'`, ...(filter.status ? [`SagaStatus = '${filter.status}'`] : []), ...clauses].join(' AND ');
      const runs: SagaRun[] = [];
      for await (const execution of client.workflow.list({ query })) {
        runs.push(toRun(execution, execution.typedSearchAttributes.get(keyAttribute) ?? execution.workflowId.replace(keyPrefix, '')));
        if (runs.length >= limit) break;
      }
      return runs;
    },
  };
}

/** An operator's word that a failed compensation was handled by hand. */
export interface Resolution {
  note: string;
  resolvedBy: string;
}

/** Operator, for a parked saga of any process: run its failed compensation again. */
export async function retryCompensation(handle: WorkflowHandle): Promise<void> {
  await handle.signal(retryCompensationSignal);
}

/** Operator, for a parked saga of any process: its failed compensation was handled by hand (a note and who). */
export async function resolveCompensation(handle: WorkflowHandle, resolution: Resolution): Promise<void> {
  const issues = (['note', 'resolvedBy'] as const)
    .filter((field) => typeof resolution?.[field] !== 'string' || !resolution[field].trim())
    .map((field) => ({ field, rule: 'must be a non-empty string' }));
  if (issues.length) throw new InvalidInputError('resolution', issues);
  await handle.signal(resolveCompensationSignal, { note: resolution.note, resolvedBy: resolution.resolvedBy });
}

/** The SagaResult a compensated run failed with, or undefined when the error is anything else. */
export function compensatedResultOf<R>(error: unknown): R | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || !COMPENSATED_RUN_TYPES.includes(cause.type ?? '')) return undefined;
  const [result] = cause.details ?? [];
  return (result ?? undefined) as R | undefined;
}

function toRun(execution: WorkflowExecutionInfo, key: string): SagaRun {
  return {
    key,
    workflowId: execution.workflowId,
    runId: execution.runId,
    sagaStatus: execution.typedSearchAttributes.get(SagaStatusKey) as SagaStatus | undefined,
    executionStatus: execution.status.name,
    startTime: execution.startTime,
    ...(execution.closeTime ? { closeTime: execution.closeTime } : {}),
  };
}

/** Ids go into workflow ids and visibility queries: only the characters the contracts allow. */
function requireId(value: string, field: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,99}$/.test(value)) {
    throw new InvalidInputError('id', [{ field, rule: 'must be 1-100 letters, digits or . _ : @ - (starting with a letter or digit)' }]);
  }
  return value;
}
