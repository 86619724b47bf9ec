import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { SagaStatusKey, type SagaState, type SagaStatus } from '../saga';
import type { SagaRun } from '../client/sagaRuns';
import { CliError } from './errors';
import { formatTable } from './output';

/** A saga run as Temporal describes it; a workflow id nobody started is a failed check (exit 1) naming what was looked for. */
export async function describeRun(client: Client, workflowId: string, what: string): Promise<WorkflowExecutionDescription & { sagaStatus?: SagaStatus }> {
  try {
    const description = await client.workflow.getHandle(workflowId).describe();
    const sagaStatus = description.typedSearchAttributes.get(SagaStatusKey) as SagaStatus | undefined;
    return Object.assign(description, sagaStatus ? { sagaStatus } : {});
  } catch (error) {
    throw notFound(error, workflowId, what, client.options.namespace);
  }
}

/** WorkflowNotFoundError as a one-line failed check; anything else as it is. */
export function notFound(error: unknown, workflowId: string, what: string, namespace: string): unknown {
  return error instanceof WorkflowNotFoundError ? new CliError(`${what} not found: no workflow ${workflowId} in namespace ${namespace}`) : error;
}

/** Before a cancellation: the run must be running; one that ended is a failed check saying how it ended. */
export async function requireRunning(client: Client, workflowId: string, what: string): Promise<void> {
  const run = await describeRun(client, workflowId, what);
  if (run.status.name !== 'RUNNING') throw new CliError(`${what} has already ended (${run.sagaStatus ?? run.status.name}): nothing to cancel`);
}

/** Saga runs as `orders list` and `trips list` print them, the business key first under its own title. */
export function formatSagaRuns(keyTitle: string, runs: ReadonlyArray<Omit<SagaRun, 'key'> & { key: string }>): string {
  return formatTable(
    [keyTitle, 'SAGA STATUS', 'EXECUTION', 'STARTED', 'CLOSED'],
    runs.map((run) => [run.key, run.sagaStatus ?? '-', run.executionStatus, run.startTime.toISOString(), run.closeTime?.toISOString() ?? '-']),
  );
}

/** The step table people read: where the saga stands, each step, and what failed or was resolved. */
export function formatSagaState(title: string, state: SagaState): string {
  const lines = [`${title}: ${state.status}`];
  if (state.failure) lines.push(`failure: ${state.failure.step ? `${state.failure.step}: ` : ''}${state.failure.message}${state.failure.type ? ` (${state.failure.type})` : ''}`);
  for (const resolution of state.resolutions) lines.push(`resolved ${resolution.step} by ${resolution.resolvedBy}: ${resolution.note}`);
  const table = formatTable(
    ['STEP', 'STATUS', 'DETAIL'],
    state.steps.map((step) => [step.name, step.status, step.error ?? step.summary ?? '']),
  );
  return `${lines.join('\n')}\n\n${table}`;
}
