import { WorkflowNotFoundError, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import { SagaStatusKey, type SagaStatus } from '../saga';
import { CliError } from './errors';

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
