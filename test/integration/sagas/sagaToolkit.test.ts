import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { BUSINESS_REJECTION, type SagaResult } from '../../../src/saga';
import type { ParallelPlan, ScriptedActivities } from '../../fixtures/workflows/toolkitSagas';
import { connectTestTemporal, type TestTemporal } from '../../support/temporal';
import { waitFor } from '../../support/waitFor';

/**
 * The saga toolkit on its own, with scripted activities standing in for external services: which
 * compensations run, and in what order, when steps run in parallel.
 */
describe('saga toolkit: parallel steps', () => {
  let temporal: TestTemporal;
  let stop: () => Promise<void>;
  /** Every activity call, per workflow run, in the order the worker saw them. */
  const calls = new Map<string, string[]>();

  const record = (entry: string) => {
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'standalone';
    calls.set(workflowId, [...(calls.get(workflowId) ?? []), entry]);
  };
  const activities: ScriptedActivities = {
    async act({ name, behaviour }) {
      record(`run ${name}`);
      if (behaviour === 'slow') await sleep(1500);
      if (behaviour === 'fail') throw new Error(`${name} is down`);
      if (behaviour === 'reject') throw ApplicationFailure.nonRetryable(`${name} said no`, BUSINESS_REJECTION);
      record(`end ${name}`);
      return `${name}-result`;
    },
    async undo({ name, result }) {
      record(`undo ${name} (${result ?? 'no result'})`);
    },
  };

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    const worker = await Worker.create({
      connection: temporal.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowsPath: require.resolve('../../fixtures/workflows/toolkitSagas'),
      activities,
    });
    const running = worker.run();
    stop = async () => {
      worker.shutdown();
      await running;
      await temporal.close();
    };
  });
  afterAll(async () => stop?.());

  const start = (plan: ParallelPlan) =>
    temporal.client.workflow.start('parallelSaga', { taskQueue: temporal.taskQueue, workflowId: `toolkit-${randomUUID()}`, args: [plan] });
  const run = async (plan: ParallelPlan) => {
    const handle = await start(plan);
    const result = (await handle.result()) as SagaResult<string[]>;
    return { result, calls: calls.get(handle.workflowId) ?? [] };
  };
  const undos = (entries: string[]) => entries.filter((c) => c.startsWith('undo'));

  it('runs the group concurrently and completes without compensating', async () => {
    const { result, calls: seen } = await run({ parallel: ['slow', 'slow', 'slow'] });

    expect(result.outcome).toBe('COMPLETED');
    expect(result.value).toEqual(['first-result', 'a-result', 'b-result', 'c-result', 'last-result']);
    expect(undos(seen)).toEqual([]);
    // All three started before any of them finished: the group is concurrent, not sequential.
    expect(seen.slice(0, 2)).toEqual(['run first', 'end first']);
    expect(seen.slice(2, 5).sort()).toEqual(['run a', 'run b', 'run c']);
    expect(seen.slice(-2)).toEqual(['run last', 'end last']);
  });

  it('waits for the group to settle, then compensates every member that may have acted, last registered first', async () => {
    const { result, calls: seen } = await run({ parallel: ['ok', 'fail', 'slow'] });

    expect(result.outcome).toBe('COMPENSATED');
    expect(result.failure).toMatchObject({ step: 'b', message: 'b is down' });
    // b failed after its retries, yet may have acted, so it is undone too; `last` never ran.
    expect(undos(seen)).toEqual(['undo c (c-result)', 'undo b (no result)', 'undo a (a-result)', 'undo first (first-result)']);
    expect(seen).not.toContain('run last');
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['first', 'compensated'],
      ['a', 'compensated'],
      ['b', 'compensated'],
      ['c', 'compensated'],
    ]);
  });

  it('skips the compensation of a member whose action was a business rejection, once the others settle', async () => {
    // The rejection is immediate and c is slow: c must still finish, and be undone with its result.
    const { result, calls: seen } = await run({ parallel: ['ok', 'reject', 'slow'] });

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'b', type: BUSINESS_REJECTION } });
    expect(undos(seen)).toEqual(['undo c (c-result)', 'undo a (a-result)', 'undo first (first-result)']);
    expect(result.steps.find((s) => s.name === 'b')).toMatchObject({ status: 'failed' });
  });

  it('undoes the whole group when a later step fails', async () => {
    const { result, calls: seen } = await run({ parallel: ['ok', 'ok', 'ok'], last: 'fail' });

    expect(result).toMatchObject({ outcome: 'COMPENSATED', failure: { step: 'last' } });
    expect(undos(seen)).toEqual(['undo last (no result)', 'undo c (c-result)', 'undo b (b-result)', 'undo a (a-result)', 'undo first (first-result)']);
  });

  it('compensates every started member when the run is cancelled mid-group, then ends cancelled', async () => {
    const handle = await start({ parallel: ['slow', 'slow', 'slow'] });
    await waitFor(async () => (calls.get(handle.workflowId) ?? []).includes('run c'));

    await handle.cancel();

    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    await waitFor(async () => undos(calls.get(handle.workflowId) ?? []).length === 4);
    expect(undos(calls.get(handle.workflowId) ?? [])).toEqual(['undo c (no result)', 'undo b (no result)', 'undo a (no result)', 'undo first (first-result)']);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });
});
