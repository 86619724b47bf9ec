import { DEFAULT_MAX_LAG_MS, freshnessBreaches, healthReport, maxLagResolver, type ProjectionStatus } from '../../../src/projections';

const fresh: ProjectionStatus = {
  name: 'order_summary',
  version: 2,
  active: true,
  status: 'running',
  owned: true,
  checkpoint: { transactionId: '10', globalPosition: 100 },
  eventsApplied: 100,
  lagEvents: 0,
  lagMs: 0,
  eventsPerSecond: 0,
  lastError: null,
  failedEvent: null,
  heldBack: null,
  updatedAt: new Date(0),
};
const behind = { lagEvents: 40, lagMs: 9_000 };
const judge = (overrides: Partial<ProjectionStatus>, maxLagMs = 5_000) => freshnessBreaches([{ ...fresh, ...overrides }], () => maxLagMs);

describe('freshness', () => {
  it('a worker applying within the acceptable lag is fresh, however many events it has to go', () => {
    expect(judge({ lagEvents: 500, lagMs: 4_999, eventsPerSecond: 900 })).toEqual([]);
  });

  it.each([
    ['no worker alive, even when caught up', { owned: false }, 'no_worker', /^no worker alive: no projection worker holds its lock \(0 events behind/],
    [
      'stopped on a poison event',
      { status: 'stalled', lastError: 'cannot\nhandle', failedEvent: { eventId: 'e', globalPosition: 77, transactionId: '9', attempts: 5 }, ...behind },
      'poison_event',
      /^stopped on a poison event: event #77 \(attempt 5\): cannot handle; skip or resume it/,
    ],
    [
      'held back by an open transaction',
      {
        ...behind,
        heldBack: {
          events: 3,
          by: { pid: 4242, database: 'other', user: 'postgres', applicationName: 'psql', transactionId: '8', detailsVisible: false, state: null, query: null, ageMs: null, waitingMs: 9_000 },
        },
      },
      'held_back',
      /^held back by an open transaction: 40 events behind, the oldest 9 s old, over its 5 s; 3 committed events wait behind pid 4242, database "other"/,
    ],
    ['retrying a failing event', { ...behind, status: 'retrying', lastError: 'deadlock', failedEvent: { eventId: 'e', globalPosition: 5, transactionId: '9', attempts: 2 } }, 'retrying', /^retrying a failing event: .*event #5 \(attempt 2\): deadlock$/],
    ['lagging but progressing', { ...behind, eventsPerSecond: 120 }, 'lagging', /^lagging but progressing: 40 events behind, the oldest 9 s old, over its 5 s, applying 120\.0 events\/s$/],
    ['stalled without an error', behind, 'not_progressing', /^stalled: 40 events behind, the oldest 9 s old, over its 5 s, and nothing applied in the last minute$/],
  ] as const)('%s is a breach with its reason', (_case, overrides, reason, explanation) => {
    const [breach, ...more] = judge(overrides as Partial<ProjectionStatus>);
    expect(more).toEqual([]);
    expect(breach).toMatchObject({ name: 'order_summary', version: 2, reason, maxLagMs: 5_000 });
    expect(breach!.explanation).toMatch(explanation);
  });

  it('judges only the active version: one being rebuilt beside it serves no reader', () => {
    expect(judge({ active: false, owned: false, ...behind })).toEqual([]);
  });

  it('takes the acceptable lag from --max-lag, then configuration, then the declaration, then the default', () => {
    const declared = [{ name: 'a', maxLagMs: 200 }, { name: 'b' }];
    expect(['a', 'b', 'c'].map(maxLagResolver(declared))).toEqual([200, DEFAULT_MAX_LAG_MS, DEFAULT_MAX_LAG_MS]);
    expect(['a', 'b'].map(maxLagResolver(declared, { configured: { a: 50, b: 60 } }))).toEqual([50, 60]);
    expect(['a', 'b'].map(maxLagResolver(declared, { override: 7, configured: { a: 50 } }))).toEqual([7, 7]);
  });
});

describe('healthReport', () => {
  const judging = { runs: new Set(['order_summary']), maxLagOf: () => 5_000 };
  const connected = { connected: true, owned: [{ name: 'order_summary', version: 2 }] };
  const reading = (overrides: Partial<ProjectionStatus>) => ({ ok: true, rows: [{ ...fresh, ...overrides }] });

  it('is healthy when connected and fresh', () => {
    expect(healthReport(connected, reading({}), judging)).toMatchObject({ status: 'healthy', breaches: [], statusQueryError: null });
  });

  it('says lagging, not unhealthy, when the only breaches are catching up', () => {
    expect(healthReport(connected, reading({ ...behind, eventsPerSecond: 20 }), judging)).toMatchObject({ status: 'lagging', breaches: [{ reason: 'lagging' }] });
  });

  it('is unhealthy when stuck, when this worker is disconnected, or when the status cannot be read', () => {
    expect(healthReport(connected, reading(behind), judging)).toMatchObject({ status: 'unhealthy', breaches: [{ reason: 'not_progressing' }] });
    expect(healthReport({ connected: false, owned: [] }, reading({}), judging).status).toBe('unhealthy');
    expect(healthReport(connected, { ok: false, rows: [], error: 'connection refused' }, judging)).toMatchObject({ status: 'unhealthy', statusQueryError: 'connection refused' });
  });

  it('judges only the projections the worker runs', () => {
    expect(healthReport(connected, reading({ name: 'someone_elses', owned: false }), judging).status).toBe('healthy');
  });
});
