import path from 'node:path';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readHistoryFiles } from '../../src/histories';
import { bundleWorkflows, HISTORIES_DIR, replayAll, type ReplayOutcome } from './replayHistories';

/**
 * The suite has teeth: OrderFulfillment's fraud screening, shipped without its patched() guard,
 * must fail to replay the histories recorded before it, with a determinism error.
 */
describe('a workflow change without its patch guard', () => {
  const baseline = readHistoryFiles(HISTORIES_DIR).filter((h) => h.workflowType === 'orderFulfillment' && h.file.includes(`${path.sep}baseline${path.sep}`));
  let outcomes: ReplayOutcome[];

  beforeAll(async () => {
    const unguarded = await bundleWorkflows((config) => ({
      ...config,
      resolve: {
        ...config.resolve,
        alias: { ...(config.resolve?.alias as Record<string, string>), '@temporalio/workflow$': require.resolve('../fixtures/workflows/patchAlwaysTaken') },
      },
    }));
    outcomes = await replayAll(unguarded, baseline);
  });

  it('fails replay of every pre-change run that got past the reservation, with a determinism error', () => {
    expect(baseline.length).toBeGreaterThanOrEqual(9);
    const broken = outcomes.filter((o) => o.error).map((o) => path.basename(o.file, '.json'));
    // Only a run that failed at its first step never reached the place where the new step goes.
    const reachedTheNewStep = outcomes.map((o) => path.basename(o.file, '.json')).filter((name) => !name.endsWith('compensated-at-reserveInventory'));
    expect(broken.sort()).toEqual(reachedTheNewStep.sort());
    for (const outcome of outcomes.filter((o) => o.error)) {
      expect(outcome.error).toBeInstanceOf(DeterminismViolationError);
    }
  });
});
