import path from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readHistoryFiles, type HistoryFile } from '../../src/histories';
import { bundleWorkflows, HISTORIES_DIR, replayAll, type ReplayOutcome } from './replayHistories';

/**
 * The suite has teeth: a workflow change shipped without its patched() guard must fail to replay
 * the histories recorded before it, with a determinism error. The workflows are bundled with
 * patched() always true, which is what shipping every guarded change unguarded would do.
 */
describe('a workflow change without its patch guard', () => {
  const histories = readHistoryFiles(HISTORIES_DIR);
  const inSet = (set: string) => (h: HistoryFile) => h.file.includes(`${path.sep}${set}${path.sep}`);
  let unguarded: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    unguarded = await bundleWorkflows((config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: { ...(config.resolve?.alias as Record<string, string>), '@temporalio/workflow$': require.resolve('../fixtures/workflows/patchAlwaysTaken') },
      },
    }));
  });

  const expectDeterminismErrors = (outcomes: ReplayOutcome[]) => {
    for (const outcome of outcomes.filter((o) => o.error)) expect(outcome.error).toBeInstanceOf(DeterminismViolationError);
  };

  it("OrderFulfillment's fraud screening fails replay of every pre-change run that got past the reservation", async () => {
    const baseline = histories.filter((h) => h.workflowType === 'orderFulfillment' && inSet('baseline')(h));
    expect(baseline.length).toBeGreaterThanOrEqual(9);
    const outcomes = await replayAll(unguarded, baseline);
    const broken = outcomes.filter((o) => o.error).map((o) => path.basename(o.file, '.json'));
    // Only a run that failed at its first step never reached the place where the new step goes.
    const reachedTheNewStep = outcomes.map((o) => path.basename(o.file, '.json')).filter((name) => !name.endsWith('compensated-at-reserveInventory'));
    expect(broken.sort()).toEqual(reachedTheNewStep.sort());
    expectDeterminismErrors(outcomes);
  });

  it('the saga stopping on a refused opening event fails replay of every earlier run that compensated after one', async () => {
    const before = histories.filter(inSet('before-opening-guard'));
    expect(before.map((h) => h.workflowType).sort()).toEqual(['moneyTransfer', 'orderFulfillment']);
    const outcomes = await replayAll(unguarded, before);
    expect(outcomes.filter((o) => o.error).map((o) => o.file).sort()).toEqual(before.map((h) => h.file).sort());
    expectDeterminismErrors(outcomes);
  });
});
