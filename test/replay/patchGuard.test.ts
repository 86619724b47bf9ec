import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { readHistoryFiles, type HistoryFile } from '../../src/histories';
import { stateDir } from '../../src/infra/paths';
import { OPENING_EVENT_PATCH, STEP_ENGINE_PATCH } from '../../src/saga';
import { FRAUD_SCREENING_PATCH } from '../../processes/orderFulfillment/legacy/orderFulfillmentV1';
import { bundleWorkflows, HISTORIES_DIR, replayAll, type ReplayOutcome } from './replayHistories';

/**
 * The workflows bundled against an '@temporalio/workflow' whose patched() is true for one patch:
 * the code behaves as if that change had shipped without its guard. Generated beside the repo's
 * node_modules, so the module it wraps resolves.
 */
function bundleWithoutGuard(patchId: string): Promise<WorkflowBundleWithSourceMap> {
  const shim = path.join(stateDir('test'), `patch-taken-${patchId}.js`);
  fs.mkdirSync(path.dirname(shim), { recursive: true });
  fs.writeFileSync(
    shim,
    [
      "const workflow = require('@temporalio/workflow/lib/index');",
      'module.exports = { ...workflow,',
      `  patched: (id) => id === ${JSON.stringify(patchId)} || workflow.patched(id) };`,
    ].join('\n'),
  );
  return bundleWorkflows((config) => ({
    ...config,
    resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string>), '@temporalio/workflow$': shim } },
  }));
}

/**
 * The suite has teeth: a workflow change shipped without its patched() guard must fail to replay
 * the histories recorded before it, with a determinism error.
 */
describe('a workflow change without its patch guard', () => {
  const histories = readHistoryFiles(HISTORIES_DIR);
  const inSet = (set: string) => (h: HistoryFile) => h.file.includes(`${path.sep}${set}${path.sep}`);

  const expectDeterminismErrors = (outcomes: ReplayOutcome[]) => {
    for (const outcome of outcomes.filter((o) => o.error)) expect(outcome.error).toBeInstanceOf(DeterminismViolationError);
  };

  it("OrderFulfillment's fraud screening fails replay of every pre-change run that got past the reservation", async () => {
    const baseline = histories.filter((h) => h.workflowType === 'orderFulfillment' && inSet('baseline')(h));
    expect(baseline.length).toBeGreaterThanOrEqual(9);
    const outcomes = await replayAll(await bundleWithoutGuard(FRAUD_SCREENING_PATCH), baseline);
    const broken = outcomes.filter((o) => o.error).map((o) => path.basename(o.file, '.json'));
    // Only a run that failed at its first step never reached the place where the new step goes.
    const reachedTheNewStep = outcomes.map((o) => path.basename(o.file, '.json')).filter((name) => !name.endsWith('compensated-at-reserveInventory'));
    expect(broken.sort()).toEqual(reachedTheNewStep.sort());
    expectDeterminismErrors(outcomes);
  });

  it('the saga stopping on a refused opening event fails replay of every earlier run that compensated after one', async () => {
    const before = histories.filter(inSet('before-opening-guard'));
    expect(before.map((h) => h.workflowType).sort()).toEqual(['moneyTransfer', 'orderFulfillment']);
    const outcomes = await replayAll(await bundleWithoutGuard(OPENING_EVENT_PATCH), before);
    expect(outcomes.filter((o) => o.error).map((o) => o.file).sort()).toEqual(before.map((h) => h.file).sort());
    expectDeterminismErrors(outcomes);
  });

  it('the step engine fails replay of every run recorded before it', async () => {
    const earlier = histories.filter((h) => !inSet('step-engine')(h));
    expect(earlier.length).toBeGreaterThanOrEqual(20);
    const outcomes = await replayAll(await bundleWithoutGuard(STEP_ENGINE_PATCH), earlier);
    expect(outcomes.filter((o) => o.error).map((o) => o.file).sort()).toEqual(earlier.map((h) => h.file).sort());
    expectDeterminismErrors(outcomes);
  });
});
