import path from 'node:path';
import { workflowBundleOptions } from '../../workers/workflowBundle';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { HistoryFile } from '../../src/histories';
import { repoRoot } from '../../src/infra/paths';

export const HISTORIES_DIR = path.join(repoRoot, 'test', 'histories');

export interface ReplayOutcome {
  file: string;
  workflowId: string;
  /** Why the history no longer replays, or undefined when it does. */
  error?: Error;
}

const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Bundles the workflows the way a worker would; the hook lets a test bundle a variant of the code. */
export function bundleWorkflows(webpackConfigHook?: Parameters<typeof bundleWorkflowCode>[0]['webpackConfigHook']): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: workflowBundleOptions().workflowsPath, logger: silent, ...(webpackConfigHook ? { webpackConfigHook } : {}) });
}

/** Replays every history against the bundled code, with no server: each run's commands must match its recorded events. */
export async function replayAll(bundle: WorkflowBundleWithSourceMap, histories: HistoryFile[]): Promise<ReplayOutcome[]> {
  const byWorkflowId = new Map(histories.map((h) => [h.workflowId, h]));
  if (byWorkflowId.size !== histories.length) throw new Error('two history files carry the same workflow id; file names must be unique');
  const outcomes: ReplayOutcome[] = [];
  const results = Worker.runReplayHistories(
    { workflowBundle: bundle, replayName: 'sagaflow-replay' },
    histories.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  for await (const result of results) {
    const file = byWorkflowId.get(result.workflowId)!.file;
    outcomes.push({ file, workflowId: result.workflowId, ...(result.error ? { error: result.error } : {}) });
  }
  return outcomes;
}
