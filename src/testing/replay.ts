import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { History } from '@temporalio/common/lib/proto-utils';
import { compositionBundleOptions } from '../../workers/compositionBundle';
import { SagaflowError } from '../errors';
import type { Composition } from '../process/composeProcesses';

/** A recorded history that no longer replays against the code, and why. */
export interface ReplayFailure {
  workflowId: string;
  error: Error;
}

/** Collects the failures, so a test sees every history that broke and not just the first one. */
export class ReplayMismatchError extends SagaflowError {
  override name = 'ReplayMismatchError';
  constructor(readonly failures: readonly ReplayFailure[]) {
    super(`${failures.length} recorded ${failures.length === 1 ? 'history does' : 'histories do'} not replay: ${failures.map((f) => `${f.workflowId} (${f.error.message})`).join('; ')}`);
  }
}

const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Bundles a composition's workflows once, as a worker would, for replaying many histories against. */
export function bundleCompositionWorkflows(composition: Pick<Composition, 'workflowModules'>): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ ...compositionBundleOptions(composition), logger: silent });
}

/**
 * Replays recorded histories against the composition's current workflow code with no server: each
 * run's commands must match its recorded events, or the change that broke it needs a patched() gate.
 * Throws ReplayMismatchError naming every history that does not replay.
 */
export async function replayHistories(composition: Pick<Composition, 'workflowModules'>, histories: ReadonlyArray<{ workflowId: string; history: History }>): Promise<void> {
  const workflowBundle = await bundleCompositionWorkflows(composition);
  const failures: ReplayFailure[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle, replayName: 'sagaflow-replay' }, histories.map(({ workflowId, history }) => ({ workflowId, history })))) {
    if (result.error) failures.push({ workflowId: result.workflowId, error: result.error });
  }
  if (failures.length > 0) throw new ReplayMismatchError(failures);
}
