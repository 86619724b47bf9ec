import { DeterminismViolationError } from '@temporalio/workflow';
import { readHistoryFiles } from '../../src/histories';
import { bundleWorkflows, HISTORIES_DIR, replayAll, type ReplayOutcome } from './replayHistories';

/**
 * Every committed history (test/histories/<workflow-type>/<set>/*.json) must replay against the
 * current workflow code: a workflow change that would break runs already in flight fails here,
 * before it is deployed. Needs no Temporal server.
 */
describe('replay of the recorded workflow histories against the current code', () => {
  const histories = readHistoryFiles(HISTORIES_DIR);
  let outcomes: Map<string, ReplayOutcome>;

  beforeAll(async () => {
    outcomes = new Map((await replayAll(await bundleWorkflows(), histories)).map((o) => [o.file, o]));
  });

  it('has histories of every saga outcome to replay', () => {
    const types = new Set(histories.map((h) => h.workflowType));
    expect([...types].sort()).toEqual(expect.arrayContaining(['moneyTransfer', 'orderFulfillment']));
    expect(histories.filter((h) => h.workflowType === 'orderFulfillment').length).toBeGreaterThanOrEqual(10);
    expect(histories.filter((h) => h.workflowType === 'moneyTransfer').length).toBeGreaterThanOrEqual(6);
  });

  it.each(histories.map((h) => [h.file]))('%s replays', (file) => {
    const outcome = outcomes.get(file);
    if (!outcome) throw new Error(`${file}: no replay result came back for it`);
    if (outcome.error) {
      const kind = outcome.error instanceof DeterminismViolationError ? 'determinism error' : 'replay error';
      throw new Error(`${file} (workflow ${outcome.workflowId}) no longer replays against the current code — ${kind}: ${outcome.error.message}`);
    }
  });
});
