import { z } from 'zod';
import { defineEvent } from '../../../src/eventstore/contracts';
import type { SagaProcess } from '../../../src/process/sagaProcess';
import { RetentionDeclarationError } from '../../../src/retention/retentionPolicy';
import { retentionOf } from '../../../src/retention/streamTypeRetention';
import { composition } from '../../../processes';

function process(retention: unknown, overrides: Partial<SagaProcess> = {}): SagaProcess {
  return {
    sagaType: 'Parcel',
    workflowsPath: '/Parcel/workflow',
    streamPrefix: 'Parcel-',
    contracts: [defineEvent('ParcelSent', 1, z.object({ id: z.string() }))],
    searchAttributes: [],
    steps: () => ({}),
    retention: retention as SagaProcess['retention'],
    ...overrides,
  };
}

describe('retention declared by a process', () => {
  it('names the stream type, the wait and what closes a run: the engine closing events and the legacy ones', () => {
    expect(retentionOf([process({ archiveClosedAfterDays: 30 }), process(undefined, { sagaType: 'Crate', streamPrefix: 'Crate-' })])).toEqual([
      { streamType: 'Parcel', sagaType: 'Parcel', archiveAfterDays: 30, closingEventTypes: ['SagaCompleted', 'SagaFailed'] },
      { streamType: 'Crate', sagaType: 'Crate', archiveAfterDays: null, closingEventTypes: ['SagaCompleted', 'SagaFailed'] },
    ]);
    expect(retentionOf([process({ keep: 'forever' })])[0]!.archiveAfterDays).toBeNull();
  });

  it("this deployment's processes: orders archive after 90 days, trips after 30, transfers are kept; a parked or resolved run is not closed", () => {
    expect(composition.retention.map((r) => [r.streamType, r.archiveAfterDays])).toEqual([
      ['Order', 90],
      ['Transfer', null],
      ['Trip', 30],
    ]);
    expect(composition.retention.find((r) => r.streamType === 'Order')!.closingEventTypes).toEqual(['SagaCompleted', 'OrderCompleted', 'SagaFailed', 'OrderCancelled']);
    for (const r of composition.retention) expect(r.closingEventTypes.filter((t) => /Compensation(Failed|Resolved)$/.test(t))).toEqual([]);
  });

  it.each([
    [{ archiveClosedAfterDays: 0 }, 'archiveClosedAfterDays must be a whole number of days from 1 to 36500, got 0'],
    [{ archiveClosedAfterDays: 2.5 }, 'archiveClosedAfterDays must be a whole number of days from 1 to 36500, got 2.5'],
    [{ archiveClosedAfterDays: '30' }, 'archiveClosedAfterDays must be a whole number of days from 1 to 36500, got "30"'],
    [{ archiveClosedAfterDays: 36_501 }, 'archiveClosedAfterDays must be a whole number of days from 1 to 36500, got 36501'],
    [{ keep: 'always' }, `keep must be 'forever', got "always"`],
    [{ keep: 'forever', archiveClosedAfterDays: 3 }, 'must have exactly one of keep or archiveClosedAfterDays, got keep, archiveClosedAfterDays'],
    [{}, 'must have exactly one of keep or archiveClosedAfterDays, got neither'],
    [{ archiveAfterDays: 3 }, 'must have exactly one of keep or archiveClosedAfterDays, got archiveAfterDays'],
    [30, `must be { keep: 'forever' } or { archiveClosedAfterDays: <days> }, got 30`],
  ])('refuses %j, naming the process, the stream type and the rule', (declared, rule) => {
    const declare = () => retentionOf([process(declared)]);
    expect(declare).toThrow(RetentionDeclarationError);
    expect(declare).toThrow(`process Parcel: retention of stream type Parcel ${rule}`);
  });
});
