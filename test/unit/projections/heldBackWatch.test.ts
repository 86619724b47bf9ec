import { HeldBackWatch } from '../../../src/projections/heldBackWatch';
import type { LogBlocker } from '../../../src/projections/logBlocker';

const blocker = (overrides: Partial<LogBlocker> = {}): LogBlocker => ({
  pid: 4242,
  database: 'reports',
  user: 'analyst',
  applicationName: 'psql',
  transactionId: '9001',
  detailsVisible: true,
  state: 'idle in transaction',
  transactionStartedAt: new Date('2026-12-04T12:00:00Z'),
  ageMs: 34_000,
  query: 'select *\n  from   invoices where paid = false and created_at > now() - interval \'30 days\' order by created_at desc',
  eventsWaiting: 12,
  waitingMs: 33_000,
  ...overrides,
});

function watch(thresholdMs = 5_000) {
  const lines: string[] = [];
  return { lines, watch: new HeldBackWatch(thresholdMs, (line) => lines.push(line)) };
}

describe('HeldBackWatch', () => {
  it('says nothing while a transaction holds the bound for less than the threshold', () => {
    const { lines, watch: w } = watch();
    w.observe(blocker(), 0);
    w.observe(blocker(), 4_999);
    w.observe(null, 5_500);
    expect(lines).toEqual([]);
  });

  it('logs a hold once when it passes the threshold, naming the session, and once when it ends', () => {
    const { lines, watch: w } = watch();
    for (let at = 0; at <= 60_000; at += 1_000) w.observe(blocker(), at);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      'read bound held back by an open transaction: pid 4242, database "reports", application "psql", user "analyst", state "idle in transaction", ' +
        'open 34 s, statement "select * from invoices where paid = false and created_at > now() - interval \'30 …"; ' +
        '12 committed events wait behind it, the oldest for 33 s. To let projections read on, commit or roll back that transaction, or end the session: select pg_terminate_backend(4242)',
    );
    w.observe(null, 61_000);
    w.observe(null, 62_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('read bound free again: the transaction of pid 4242 (database "reports") ended after holding it back at least 1 min 1 s');
  });

  it('takes the next transaction of the same session as a new hold', () => {
    const { lines, watch: w } = watch(1_000);
    w.observe(blocker(), 0);
    w.observe(blocker(), 1_000);
    w.observe(blocker({ transactionId: '9050' }), 1_500);
    expect(lines.map((line) => line.slice(0, 22))).toEqual(['read bound held back b', 'read bound free again:']);
    w.observe(blocker({ transactionId: '9050' }), 2_500);
    expect(lines).toHaveLength(3);
  });

  it('names what a role without pg_read_all_stats can see, and the lower bound of the age', () => {
    const { lines, watch: w } = watch(0);
    w.observe(blocker({ detailsVisible: false, state: null, query: null, ageMs: null, transactionStartedAt: null }), 0);
    expect(lines[0]).toContain(
      'pid 4242, database "reports", application "psql", user "analyst", open at least 33 s (its state and statement are visible only to pg_read_all_stats)',
    );
  });
});
