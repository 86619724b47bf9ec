import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { recordStepEvents } from '../../../activities';
import { recordEvent } from '../../../activities/recordEvent';
import { createEventStore } from '../../../src/eventstore';
import { RECORD_SAGA_EVENT, stepActivityType, type SagaResult } from '../../../src/saga';
import type { EventSlot } from '../../../src/saga/eventStream';
import { compensatedResultOf } from '../../../src/client/sagaRuns';
import { workflowBundleOptions } from '../../../workers/workflowBundle';
import { createScriptedSteps, widgetContracts } from '../../fixtures/stepActivities';
import type { StepPlan } from '../../fixtures/workflows/stepSagas';
import { useTestDatabase } from '../../support/database';
import { connectTestTemporal, type TestTemporal } from '../../support/temporal';

/**
 * The step engine on its own, over scripted step activities and the real event store: the keys it
 * derives, the events the step recorder appends, parallel groups, declared rejections, undos that
 * find nothing, and a step outcome that is none.
 */
describe('step engine: declared steps over a real worker and event store', () => {
  const db = useTestDatabase();
  let temporal: TestTemporal;
  let stop: () => Promise<void>;
  const log: string[] = [];

  beforeAll(async () => {
    temporal = await connectTestTemporal();
    const store = createEventStore(db.pool, { contracts: widgetContracts });
    const steps = createScriptedSteps(log);
    const worker = await Worker.create({
      connection: temporal.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      workflowsPath: require.resolve('../../fixtures/workflows/stepSagas'),
      activities: {
        [stepActivityType('Widget', 'makePart')]: steps.makePart,
        [stepActivityType('Widget', 'undoPart')]: steps.undoPart,
        [RECORD_SAGA_EVENT]: (slot: EventSlot, type: string, data: unknown) => recordEvent(store, slot, type, data),
      },
      interceptors: { activity: [recordStepEvents(store)], workflowModules: workflowBundleOptions({ retries: 'fast' }).workflowInterceptorModules },
    });
    const running = worker.run();
    stop = async () => {
      worker.shutdown();
      await running;
      await temporal.close();
    };
  });
  afterAll(async () => stop?.());

  const run = async (plan: Omit<StepPlan, 'widgetId'>) => {
    const widgetId = randomUUID();
    const workflowId = `widget-${widgetId}`;
    // A compensated run ends failed, its result in the failure (as the clients read it).
    let result: SagaResult<number>;
    try {
      result = (await temporal.client.workflow.execute('scriptedStepSaga', { taskQueue: temporal.taskQueue, workflowId, args: [{ widgetId, ...plan }] })) as SagaResult<number>;
    } catch (error) {
      const compensated = compensatedResultOf<SagaResult<number>>(error);
      if (!compensated) throw error;
      result = compensated;
    }
    const events = await createEventStore(db.pool, { contracts: widgetContracts }).readStream(`Widget-${widgetId}`);
    const calls = log.filter((line) => line.includes(workflowId));
    return { workflowId, result, events, calls, made: (type: string) => events.filter((e) => e.type === type).map((e) => (e.data as { part: string }).part) };
  };

  it('records every step once, parallel ones included, in a stream whose versions follow on and whose causation chains', async () => {
    const { workflowId, result, events, calls } = await run({ before: ['frame'], group: ['wheel-1', 'wheel-2', 'wheel-3'], after: 'seat' });

    expect(result.outcome).toBe('COMPLETED');
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.map((e) => e.type)).toEqual(['WidgetOpened', 'PartMade', 'PartMade', 'PartMade', 'PartMade', 'PartMade', 'SagaCompleted']);
    // The engine's event names the saga type and carries the run's subject.
    expect(events[6]!.data).toEqual({ sagaType: 'Widget', widgetId: expect.any(String) });
    const parts = events.slice(2, 5).map((e) => (e.data as { part: string }).part);
    expect([...parts].sort()).toEqual(['wheel-1', 'wheel-2', 'wheel-3']);
    // The group's events were all caused by the step before it; the step after, by the group's last.
    expect(events.slice(2, 5).map((e) => e.metadata.causationId)).toEqual([events[1]!.eventId, events[1]!.eventId, events[1]!.eventId]);
    expect(events[5]!.metadata.causationId).toBe(events[4]!.eventId);
    expect(result.value).toBe(6); // read in the body, before SagaCompleted
    expect(calls.filter((c) => c.startsWith('make')).sort()).toEqual(['frame', 'seat', 'wheel-1', 'wheel-2', 'wheel-3'].map((p) => `make ${p} ${workflowId}:${p}`));
  });

  it('a rejection inside a group: the members that ran are undone last declared first, the refused one is not, and its refusal is recorded', async () => {
    const { workflowId, result, made, calls } = await run({ before: ['frame'], group: ['wheel-1', 'wheel-2!reject', 'wheel-3!slow'] });

    expect(result.outcome).toBe('COMPENSATED');
    expect(result.failure).toMatchObject({ step: 'wheel-2!reject', message: 'wheel-2!reject refused', type: 'BusinessRejection' });
    expect(made('PartRefused')).toEqual(['wheel-2!reject']);
    expect(made('PartUndone')).toEqual(['wheel-3!slow', 'wheel-1', 'frame']);
    expect(calls.filter((c) => c.startsWith('undo'))).toEqual(
      ['wheel-3!slow', 'wheel-1', 'frame'].map((p) => `undo ${p} ${workflowId}:${p}:undo for ${workflowId}:${p}`),
    );
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['frame', 'compensated'],
      ['wheel-1', 'compensated'],
      ['wheel-2!reject', 'failed'],
      ['wheel-3!slow', 'compensated'],
    ]);
  });

  it('an action that failed may have happened: its undo runs, finds nothing, records nothing and says so', async () => {
    const { workflowId, result, made, calls } = await run({ before: ['frame', 'door!fail'], group: [] });

    expect(result.outcome).toBe('COMPENSATED');
    expect(calls.filter((c) => c.startsWith('make door'))).toHaveLength(3); // the fast profile's three attempts
    expect(calls).toContain(`undo ? ${workflowId}:door!fail:undo for ${workflowId}:door!fail (action not seen)`);
    expect(result.steps.map((s) => [s.name, s.status])).toEqual([
      ['frame', 'compensated'],
      ['door!fail', 'nothing_to_undo'],
    ]);
    expect(made('PartUndone')).toEqual(['frame']);
  });

  it('a step activity that returns no step outcome fails at once, naming the activity', async () => {
    const { result, calls } = await run({ before: ['bolt!garbage'], group: [] });

    expect(result.outcome).toBe('COMPENSATED');
    expect(result.failure?.message).toMatch(/^Widget\.makePart must return done\(…\), rejected\(…\) or nothingToUndo\(\) \(src\/saga\); it returned \{"made":"bolt!garbage"\}$/);
    expect(calls.filter((c) => c.startsWith('make'))).toHaveLength(1);
  });

  it('refuses a subject that would overwrite a field of the saga events, before any step, naming the field', async () => {
    const attempt = run({ before: ['frame'], group: [], subject: { step: 'mine' } });

    await expect(attempt).rejects.toMatchObject({ cause: { type: 'InvalidSagaSubject', message: "Widget's subject may not use step: the saga events set those fields themselves" } });
  });

  it('refuses a step name used twice in a run, as its key would repeat', async () => {
    const { result, made } = await run({ before: ['frame', 'frame'], group: [] });

    expect(result.outcome).toBe('COMPENSATED');
    expect(result.failure).toMatchObject({ type: 'DuplicateStep', message: expect.stringMatching(/^step frame runs twice in one Widget run/) });
    expect(made('PartMade')).toEqual(['frame']);
    expect(made('PartUndone')).toEqual(['frame']);
  });
});
