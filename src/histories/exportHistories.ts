import type { Client } from '@temporalio/client';
import { historyFileName, writeHistoryFile } from './historyFiles';

export interface ExportSelection {
  /** Export these runs (their latest run each). */
  workflowIds?: string[];
  /** Or every run a visibility query finds, e.g. `WorkflowType = 'orderFulfillment' AND SagaStatus = 'COMPENSATED'`. */
  query?: string;
  /** At most this many runs from the query (default 50). */
  limit?: number;
}

/** Where a run's history goes, relative to the output directory. */
export type HistoryLayout = (run: { workflowId: string; workflowType: string }) => string;

/** `<workflow-type>/<workflow-id>.json`: what the replay suite and `sagaflow histories export` use. */
export const byWorkflowType: HistoryLayout = ({ workflowId, workflowType }) => `${workflowType}/${historyFileName(workflowId)}`;

export interface ExportedHistory {
  workflowId: string;
  workflowType: string;
  path: string;
  events: number;
}

/**
 * Fetches workflow histories from Temporal and writes each to `<outDir>/<workflow-type>/<workflow-id>.json`
 * in the JSON form the Temporal Web UI and CLI download, so the replay suite reads either.
 */
export async function exportHistories(
  client: Client,
  outDir: string,
  selection: ExportSelection,
  { layout = byWorkflowType, onExported = () => undefined }: { layout?: HistoryLayout; onExported?: (exported: ExportedHistory) => void } = {},
): Promise<ExportedHistory[]> {
  const runs = await selectRuns(client, selection);
  const exported: ExportedHistory[] = [];
  for (const run of runs) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const path = writeHistoryFile(outDir, layout(run), history);
    const entry = { workflowId: run.workflowId, workflowType: run.workflowType, path, events: history.events?.length ?? 0 };
    exported.push(entry);
    onExported(entry);
  }
  return exported;
}

async function selectRuns(client: Client, { workflowIds, query, limit = 50 }: ExportSelection): Promise<Array<{ workflowId: string; runId?: string; workflowType: string }>> {
  if ((workflowIds?.length ?? 0) > 0 === Boolean(query)) throw new Error('give either workflow ids or a visibility query, not both and not neither');
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`limit must be a positive whole number, got ${limit}`);
  if (workflowIds) {
    return Promise.all(
      workflowIds.map(async (workflowId) => {
        const description = await client.workflow.getHandle(workflowId).describe();
        return { workflowId, runId: description.runId, workflowType: description.type };
      }),
    );
  }
  const runs: Array<{ workflowId: string; runId: string; workflowType: string }> = [];
  for await (const run of client.workflow.list({ query: query! })) {
    runs.push({ workflowId: run.workflowId, runId: run.runId, workflowType: run.type });
    if (runs.length >= limit) break;
  }
  return runs;
}
