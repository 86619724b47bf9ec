import os from 'node:os';
import { runCli } from '../../../src/cli/main';
import { readModel, readModels } from '../../support/readModels';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { catchUp } from '../../support/projections';
import { appendOrders, referenceOf, rowsOf } from '../../support/rebuilds';

describe('sagaflow projections', () => {
  const db = useTestDatabase();
  const previousUrl = process.env.DATABASE_URL;

  beforeAll(async () => {
    process.env.DATABASE_URL = db.url;
    await appendOrders(testEventStore(db), 120);
    await catchUp(db.pool, [...readModels, ...readModels.map(referenceOf)]);
  });
  afterAll(() => {
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
  });

  /** Runs a command line, capturing what it prints. */
  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
    return { code, stdout, stderr };
  }

  const writesSoFar = async () =>
    (await db.pool.query(`select (select count(*) from projection_skipped_events) + (select count(*) from projection_builds) as n`)).rows[0] as { n: string };

  it.each([
    [['projections', 'rebuild', 'orders'], new RegExp(`<name>: no projection named "orders"; known: ${readModels.map((p) => p.name).join(', ')}`)],
    [['projections', 'verify', 'order_summary', '--partitions', '0'], /--partitions must be a whole number from 1 to 64, got "0"/],
    [['projections', 'skip', 'order_summary', 'x1', '--reason', 'r'], /<position> must be a whole number of at least 1, got "x1"/],
    [['projections', 'skip', 'order_summary', '3'], /required option '--reason <text>' not specified/],
    [['projections', 'skip', 'order_summary', '3', '--reason', '  '], /--reason: must be a non-empty text/],
    [['projections', 'rebuild', 'order_summary', '--fold', 'sql'], /option '--fold <how>' argument 'sql' is invalid\. Allowed choices are auto, handler\./],
    [['projections', 'resume'], /missing required argument 'name'/],
    [['projections', 'status', '--verbose-ish'], /unknown option '--verbose-ish'/],
    [['projections', 'status', '--max-lag', '5'], /--max-lag must be a duration like 500ms, 5s, 2m, 1h or 30d, got "5"/],
  ])('bad usage %j: exit 2, one line naming the field, nothing written', async (argv, message) => {
    const before = await writesSoFar();
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')[0]).toMatch(/^error: /);
    expect(await writesSoFar()).toEqual(before);
  });

  it('status --json lists every projection with its position, lag and breach; with no worker alive none is fresh (exit 1)', async () => {
    const { code, stdout, stderr } = await cli('projections', 'status', '--json');
    // Caught up, but nobody keeps them so: a dead worker never reads as healthy.
    expect(code).toBe(1);
    const rows = JSON.parse(stdout) as Array<{ name: string; lagEvents: number; active: boolean; breach: { reason: string } | null }>;
    const active = rows.filter((row) => row.active);
    expect(active.map((row) => [row.name, row.lagEvents, row.breach?.reason]).sort()).toEqual(
      [...readModels.map((p) => [p.name, 0, 'no_worker']), ...readModels.map((p) => [`reference_${p.name}`, 0, 'no_worker'])].sort(),
    );
    expect(stderr).toMatch(new RegExp(`^error: ${active.length} projections are not fresh: .*order_summary \\(no_worker\\)`));
    const table = await cli('projections', 'status');
    expect(table.code).toBe(1);
    expect(table.stdout.split('\n')[0]).toMatch(/^name\s+version\s+status\s+position\s+lag events\s+lag ms\s+events\/s\s+last error$/);
    expect(table.stdout).toMatch(/^not fresh:$/m);
    expect(table.stdout).toMatch(/^ {2}order_summary v\d+ \(acceptable lag 5000 ms\): no worker alive: no projection worker holds its lock \(0 events behind/m);
  });

  it('verify finds a tampered row by its key and exits 1; --repair rebuilds it equal to the log', async () => {
    expect((await cli('projections', 'verify', 'order_summary')).code).toBe(0);
    const table = readModel('order_summary').tableNames.order_summary!;
    const { rows } = await db.pool.query<{ order_id: string }>(`update ${table} set total_cents = total_cents + 1 where order_id = (select min(order_id) from ${table}) returning order_id`);
    const tampered = rows[0]!.order_id;

    const found = await cli('projections', 'verify', 'order_summary');
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`changed: order_id=${tampered}`);
    expect(found.stderr).toMatch(/^error: order_summary differs from a recomputation of the log \(--repair rebuilds it\)\n$/);

    const repaired = await cli('projections', 'verify', 'order_summary', '--repair', '--json');
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.stdout)).toMatchObject({ equal: false, repaired: true, tables: [{ differences: [{ key: { order_id: tampered }, difference: 'changed' }] }] });
    expect(await rowsOf(db.pool, 'order_summary', 'order_id')).toEqual(await rowsOf(db.pool, 'reference_order_summary', 'order_id'));
    expect((await cli('projections', 'verify', 'order_summary')).code).toBe(0);
  });

  it('rebuild --json reports the swap and the old tables dropped after validation', async () => {
    const { code, stdout } = await cli('projections', 'rebuild', 'inventory_levels', '--partitions', '2', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ name: 'inventory_levels', mode: 'replace', oldTablesDropped: true, validation: { equal: true } });
    expect(await rowsOf(db.pool, 'inventory_levels', 'sku')).toEqual(await rowsOf(db.pool, 'reference_inventory_levels', 'sku'));
  });

  it('rebuild says which partitions it folded in SQL, and why the rest went through apply', async () => {
    const inSql = await cli('projections', 'rebuild', 'order_summary', '--partitions', '3');
    expect(inSql.code).toBe(0);
    expect(inSql.stdout.split('\n')[1]).toBe('  folded in SQL: partitions 0, 1, 2');
    const noSql = await cli('projections', 'rebuild', 'inventory_levels', '--partitions', '2');
    expect(noSql.stdout.split('\n')[1]).toBe('  folded in SQL: no partition; through apply: inventory_levels declares no set-based fold');
    const asked = await cli('projections', 'rebuild', 'order_summary', '--fold', 'handler', '--json');
    expect(JSON.parse(asked.stdout)).toMatchObject({ fold: { sqlPartitions: [], handlerReason: 'asked for (fold: handler)' }, validation: { equal: true } });
    expect(await rowsOf(db.pool, 'order_summary', 'order_id')).toEqual(await rowsOf(db.pool, 'reference_order_summary', 'order_id'));
  });

  it('skip records who and why, the OS user by default; an event already applied is refused with exit 1', async () => {
    const { rows } = await db.pool.query<{ global_position: string }>(`select max(global_position) as global_position from events`);
    const refused = await cli('projections', 'skip', 'order_summary', rows[0]!.global_position, '--reason', 'test');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^error: projection order_summary v${readModel('order_summary').version} has no event at global position \\d+ ahead of its checkpoint`));

    await testEventStore(db).append('Order-skipped', [{ type: 'OrderPlaced', data: { orderId: 'skipped', customerId: 'c', items: [{ sku: 'a', quantity: 1 }], totalCents: 1, currency: 'EUR' } }], { expectedVersion: 'no_stream' });
    const { rows: last } = await db.pool.query<{ global_position: string }>(`select max(global_position) as global_position from events`);
    const skipped = await cli('projections', 'skip', 'order_summary', last[0]!.global_position, '--reason', 'a test order', '--json');
    expect(skipped.code).toBe(0);
    const { rows: recorded } = await db.pool.query(`select reason, actor from projection_skipped_events where name = 'order_summary'`);
    expect(recorded).toEqual([{ reason: 'a test order', actor: os.userInfo().username }]);
    expect((await cli('projections', 'resume', 'order_summary')).stdout).toBe('order_summary: was not stalled; nothing to do\n');
  });
});
