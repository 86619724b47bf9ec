import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { z } from 'zod';
import { defineEvent, defineUpcaster } from '../../../src/eventstore/contracts';
import { SAGA_EVENT_TYPES } from '../../../src/saga/sagaEvents';
import { composeProcesses, ProcessCollisionError } from '../../../src/process/composeProcesses';
import { registerActivities, ActivityNameCollisionError } from '../../../src/process/registerActivities';
import type { SagaProcess } from '../../../src/process/sagaProcess';
import type { Projection } from '../../../src/projections';
import { composition } from '../../../processes';

const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
const event = (type: string) => defineEvent(type, 1, z.object({ id: z.string() }));

/** A process that declares only names, with its workflow types given rather than read from a module. */
function process(sagaType: string, overrides: Partial<SagaProcess> = {}): SagaProcess {
  return {
    sagaType,
    workflowsPath: `/${sagaType}/workflow`,
    streamPrefix: `${sagaType}-`,
    contracts: [event(`${sagaType}Started`)],
    searchAttributes: [keyword(`${sagaType}Id`)],
    steps: () => ({ act: async () => undefined }),
    ...overrides,
  };
}
const workflowTypes = (path: string) => [path.split('/')[1]!.toLowerCase()];
const compose = (processes: SagaProcess[]) => composeProcesses(processes, { workflowTypes });

describe('composing processes', () => {
  it('gathers contracts, search attributes, read models, workflow modules and step activities from every process', () => {
    const a = process('Alpha', { readModels: [{ name: 'alpha_view' } as Projection], simulatedOperations: ['pay', 'ship'] });
    const b = process('Beta', { simulatedOperations: ['pay', 'refund'] });
    const composed = compose([a, b]);

    // The engine's own: the saga events, the erasure record, SagaStatus and saga_outcomes, beside every process's.
    expect(composed.contracts.types().sort()).toEqual(['AlphaStarted', 'BetaStarted', 'SagaCompensationFailed', 'SagaCompensationResolved', 'SagaCompleted', 'SagaFailed', 'SubjectForgotten']);
    expect(composed.searchAttributes.map((k) => k.name)).toEqual(['SagaStatus', 'AlphaId', 'BetaId']);
    expect(composed.readModels.map((p) => p.name)).toEqual(['alpha_view', 'saga_outcomes']);
    expect(composed.workflowModules).toEqual(['/Alpha/workflow', '/Beta/workflow']);
    // A simulated service two processes call is listed once: its operations are the names fault plans may use.
    expect(composed.simulatedOperations).toEqual(['pay', 'ship', 'refund']);
    const sources = composed.activitySources({} as never);
    expect(sources.map((s) => [s.owner, Object.keys(s.activities)])).toEqual([
      ['process Alpha', ['Alpha.act']],
      ['process Beta', ['Beta.act']],
    ]);
  });

  it.each([
    ['saga type', () => [process('Alpha'), process('Alpha', { workflowsPath: '/Other/workflow', streamPrefix: 'Other-', contracts: [], searchAttributes: [] })], 'saga type Alpha'],
    ['workflow type', () => [process('Alpha'), process('Beta', { workflowsPath: '/Alpha/workflow' })], 'workflow type alpha'],
    ['event type', () => [process('Alpha'), process('Beta', { contracts: [event('AlphaStarted')] })], 'event type AlphaStarted'],
    ['search attribute', () => [process('Alpha'), process('Beta', { searchAttributes: [keyword('AlphaId')] })], 'search attribute AlphaId'],
    ['the engine’s search attribute', () => [process('Alpha', { searchAttributes: [keyword('SagaStatus')] })], 'search attribute SagaStatus is declared by both the saga engine and process Alpha'],
    ['the engine’s event type', () => [process('Alpha', { contracts: [event('SagaCompleted')] })], 'event type SagaCompleted is declared by both the saga engine and process Alpha'],
    ['the engine’s read model', () => [process('Alpha', { readModels: [{ name: 'saga_outcomes' } as Projection] })], 'read model saga_outcomes is declared by both the saga engine and process Alpha'],
    ['stream prefix', () => [process('Alpha', { streamPrefix: 'Order-' }), process('Beta', { streamPrefix: 'Order-Gift-' })], 'stream prefix Order- / Order-Gift-'],
    ['read model', () => [process('Alpha', { readModels: [{ name: 'summary' } as Projection] }), process('Beta', { readModels: [{ name: 'summary' } as Projection] })], 'read model summary'],
  ])('refuses a %s claimed twice, naming both owners', (_kind, processes, message) => {
    const attempt = () => compose(processes());
    expect(attempt).toThrow(ProcessCollisionError);
    expect(attempt).toThrow(message);
    if (!message.includes('engine')) expect(attempt).toThrow(/declared by both process Alpha and process (Alpha|Beta)/);
  });

  it('saga_outcomes reads every event of every process, the engine’s saga events, and the types a process recorded the same facts under before them', () => {
    const legacySagaEvents = { completed: 'AlphaDone', failed: 'AlphaFailed', compensationFailed: 'AlphaStuck', compensationResolved: 'AlphaUnstuck' };
    const outcomes = compose([process('Alpha', { legacySagaEvents }), process('Beta')]).readModels.find((p) => p.name === 'saga_outcomes')!;
    // Every event: a run's first one starts it, and a compensation's event names the step it undid.
    expect([...outcomes.eventTypes].sort()).toEqual(
      ['AlphaDone', 'AlphaFailed', 'AlphaStarted', 'AlphaStuck', 'AlphaUnstuck', 'BetaStarted', ...SAGA_EVENT_TYPES].sort(),
    );
  });

  it('accepts one event type at several versions within one process', () => {
    const twoVersions = [event('AlphaStarted'), defineEvent('AlphaStarted', 2, z.object({ id: z.string(), at: z.string() }))];
    const upcaster = defineUpcaster({ name: 'alphaStartedV1ToV2', type: 'AlphaStarted', fromVersion: 1, up: (data: { id: string }) => ({ ...data, at: 'unknown' }) });
    expect(compose([process('Alpha', { contracts: twoVersions, upcasters: [upcaster] })]).contracts.latestVersion('AlphaStarted')).toBe(2);
  });

  it('refuses an activity name two owners register, naming both', () => {
    const attempt = () => registerActivities([
      { owner: 'the saga engine', activities: { recordSagaEvent: async () => undefined } },
      { owner: 'process Alpha (activities under their own names)', activities: { recordSagaEvent: async () => undefined } },
    ]);
    expect(attempt).toThrow(ActivityNameCollisionError);
    expect(attempt).toThrow('activity recordSagaEvent is declared by both the saga engine and process Alpha (activities under their own names)');
  });

  it("this deployment's own processes compose without a collision", () => {
    expect(composition.processes.map((p) => p.sagaType)).toEqual(expect.arrayContaining(['OrderFulfillment', 'MoneyTransfer']));
    expect(composition.searchAttributes.map((k) => k.name)).toEqual(expect.arrayContaining(['SagaStatus', 'OrderId', 'CustomerId', 'TransferId']));
  });
});
