import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StoredEvent } from '../../../src/eventstore';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';

describe('sagaflow events', () => {
  const db = useTestDatabase();
  const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db));
  const json = <T>(run: { code: number; stdout: string }): T => {
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as T;
  };

  /** What a superuser can do: switch the immutability triggers off for the session. */
  async function asSuperuser(sql: string, params: unknown[]): Promise<void> {
    const client = await db.pool.connect();
    try {
      await client.query('set session_replication_role = replica');
      await client.query(sql, params);
    } finally {
      await client.query('set session_replication_role = origin');
      client.release();
    }
  }

  describe('stream', () => {
    it('shows versions, types, schema versions, times, positions, hashes and payloads', async () => {
      const orderId = await appendOrder(testEventStore(db), 'completed');
      const streamId = `Order-${orderId}`;

      const run = await sagaflow('events', 'stream', streamId);

      expect(run).toMatchObject({ code: 0, stderr: '' });
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(12);
      expect(lines[0]).toMatch(/^v1 {2}OrderPlaced {2}schema v2 {2}\d{4}-\d\d-\d\dT\S+Z {2}position \d+ {2}hash [0-9a-f]{16}…$/);
      expect(JSON.parse(lines[1]!.trim())).toMatchObject({ orderId, totalCents: 3000, currency: 'EUR' });
      expect(lines.filter((_, i) => i % 2 === 0).map((line) => line.split('  ').slice(0, 2).join(' '))).toEqual([
        'v1 OrderPlaced',
        'v2 InventoryReserved',
        'v3 PaymentAuthorized',
        'v4 ShipmentCreated',
        'v5 PaymentCaptured',
        'v6 OrderCompleted',
      ]);
    });

    it('pages with --from-version and --limit, and prints JSON for scripts', async () => {
      const orderId = await appendOrder(testEventStore(db), 'completed');
      const stored = await testEventStore(db).readStream(`Order-${orderId}`);

      const page = json<StoredEvent[]>(await sagaflow('events', 'stream', `Order-${orderId}`, '--from-version', '2', '--limit', '2', '--json'));

      expect(page.map((event) => [event.version, event.type, event.schemaVersion, event.hash])).toEqual([
        [2, 'InventoryReserved', 1, stored[1]!.hash],
        [3, 'PaymentAuthorized', 1, stored[2]!.hash],
      ]);
    });

    it('shows an old event upcast to the latest contract, saying so', async () => {
      const orderId = randomUUID();
      const v1 = { orderId, customerId: 'cust-7', items: [{ sku: 'mug', quantity: 3 }], total: 12.5 };
      await db.pool.query(`select * from sagaflow_append_events($1, 'Order', 'no_stream', null, $2, $3, $4, $5, $6, false)`, [
        `Order-${orderId}`,
        [randomUUID()],
        ['OrderPlaced'],
        [1],
        [JSON.stringify(v1)],
        ['{}'],
      ]);

      const run = await sagaflow('events', 'stream', `Order-${orderId}`);

      expect(run.stdout).toMatch(/^v1 {2}OrderPlaced {2}schema v2 \(stored v1, upcast\) {2}/);
      expect(run.stdout).toContain('"totalCents":1250,"currency":"USD"');
    });

    it('an unknown stream is a failed check and a malformed id is bad usage', async () => {
      expect(await sagaflow('events', 'stream', 'Order-nobody')).toEqual({ code: 1, stdout: '', stderr: 'error: Order-nobody not found: the stream has no events\n' });
      const malformed = await sagaflow('events', 'stream', 'order 42');
      expect(malformed).toMatchObject({ code: 2, stdout: '' });
      expect(malformed.stderr).toMatch(/^error: streamId "order 42" must look like \{Type\}-\{id\}.*\n$/);
      expect(malformed.stderr.split('\n')).toHaveLength(2);
    });
  });

  describe('state', () => {
    it('folds an order stream into its order_summary row, now or as of a version', async () => {
      const orderId = await appendOrder(testEventStore(db), 'compensationResolved');
      const streamId = `Order-${orderId}`;

      const now = json<{ version: number; fold: string; state: Record<string, unknown> }>(await sagaflow('events', 'state', streamId, '--json'));
      const then = json<{ asOf: number; version: number; state: Record<string, unknown> }>(await sagaflow('events', 'state', streamId, '--as-of', '4', '--json'));

      expect(now).toMatchObject({ streamId, fold: 'order_summary', version: 7, state: { order_id: orderId, status: 'RESOLVED', outcome: 'COMPENSATION_FAILED', resolved_by: 'ops-ana', total_cents: 3000 } });
      expect(then).toMatchObject({ asOf: 4, version: 4, state: { status: 'COMPENSATION_FAILED', last_event_type: 'CompensationFailed', resolved_by: null } });
      const human = await sagaflow('events', 'state', streamId, '--as-of', '1');
      expect(human.stdout.split('\n')[0]).toBe(`${streamId} as of version 1: version 1 (order_summary)`);
      expect(human.stdout).toContain('"status": "RUNNING"');
    });

    it('folds as of a time: only the events recorded by then', async () => {
      const store = testEventStore(db);
      const orderId = randomUUID();
      const streamId = `Order-${orderId}`;
      await store.append(streamId, [orderPlaced(orderId), inventoryReserved(orderId)], { expectedVersion: 'no_stream' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const between = new Date();
      await new Promise((resolve) => setTimeout(resolve, 50));
      await store.append(streamId, [orderCompleted(orderId)], { expectedVersion: 2 });

      const then = json<{ version: number; state: { status: string } }>(await sagaflow('events', 'state', streamId, '--as-of', between.toISOString(), '--json'));
      const before = json<{ version: number; state: unknown }>(await sagaflow('events', 'state', streamId, '--as-of', '2000-01-01T00:00:00+02:00', '--json'));

      expect(then).toMatchObject({ version: 2, state: { status: 'RUNNING' } });
      expect(before).toEqual({ streamId, fold: 'order_summary', asOf: '1999-12-31T22:00:00.000Z', version: 0, state: null });
    });

    it('folds any other stream into the latest value of each field and a count per event type', async () => {
      const transferId = randomUUID();
      const streamId = `Transfer-${transferId}`;
      const money = { amountCents: 400, currency: 'USD' };
      await testEventStore(db).append(
        streamId,
        [
          { eventId: randomUUID(), type: 'TransferRequested', data: { transferId, fromAccount: 'acc-1', toAccount: 'acc-2', ...money } },
          { eventId: randomUUID(), type: 'FundsWithdrawn', data: { transferId, withdrawalId: 'w-1', accountId: 'acc-1', ...money } },
          { eventId: randomUUID(), type: 'FundsDeposited', data: { transferId, depositId: 'd-1', withdrawalId: 'w-1', accountId: 'acc-2', ...money } },
          { eventId: randomUUID(), type: 'TransferCompleted', data: { transferId } },
        ],
        { expectedVersion: 'no_stream' },
      );

      const state = json<{ fold: string; version: number; state: Record<string, unknown> }>(await sagaflow('events', 'state', streamId, '--json'));

      expect(state).toMatchObject({
        fold: 'latest-fields',
        version: 4,
        state: {
          lastEventType: 'TransferCompleted',
          eventCounts: { TransferRequested: 1, FundsWithdrawn: 1, FundsDeposited: 1, TransferCompleted: 1 },
          fields: { transferId, fromAccount: 'acc-1', toAccount: 'acc-2', withdrawalId: 'w-1', depositId: 'd-1', accountId: 'acc-2', amountCents: 400 },
        },
      });
    });

    it('a version past the end or an unknown stream is a failed check; a malformed --as-of is bad usage', async () => {
      const orderId = await appendOrder(testEventStore(db), 'outOfStock');
      expect(await sagaflow('events', 'state', `Order-${orderId}`, '--as-of', '9')).toEqual({ code: 1, stdout: '', stderr: `error: Order-${orderId} has 2 events: there is no version 9\n` });
      expect(await sagaflow('events', 'state', 'Order-nobody')).toMatchObject({ code: 1, stderr: 'error: Order-nobody not found: the stream has no events\n' });
      for (const asOf of ['yesterday', '2026-11-23T14:00:00', '0']) {
        const run = await sagaflow('events', 'state', `Order-${orderId}`, '--as-of', asOf);
        expect(run).toMatchObject({ code: 2, stdout: '' });
        expect(run.stderr).toMatch(/^error: --as-of must be .*\n$/);
      }
    });
  });

  describe('verify', () => {
    it('passes an untouched log and stream, and exits 1 naming the stream and version of a tampered event', async () => {
      const store = testEventStore(db);
      const orderId = await appendOrder(store, 'completed');
      const streamId = `Order-${orderId}`;

      const intact = await sagaflow('events', 'verify', streamId);
      expect(intact).toEqual({ code: 0, stderr: '', stdout: `${streamId}: 6 events, hash chain intact\n` });
      expect((await sagaflow('events', 'verify')).stdout).toMatch(/^the event log: \d+ events, hash chain intact\n$/);

      await asSuperuser(`update events set data = jsonb_set(data, '{amountCents}', '1') where stream_id = $1 and version = 3`, [streamId]);

      const tampered = await sagaflow('events', 'verify', streamId);
      expect(tampered).toMatchObject({ code: 1, stdout: '' });
      expect(tampered.stderr).toMatch(
        new RegExp(`^error: hash chain broken in ${streamId}: ${streamId} version 3 \\(global position \\d+\\) stores hash [0-9a-f]{64} but its content and predecessor give [0-9a-f]{64}; 1 broken link\\(s\\) in 6 events\\n$`),
      );
      const whole = await sagaflow('events', 'verify', '--json');
      expect(whole.code).toBe(1);
      expect(JSON.parse(whole.stdout)).toMatchObject({ streamId: null, ok: false, brokenCount: 1, firstBroken: { streamId, version: 3 } });
      expect(whole.stderr).toMatch(new RegExp(`^error: hash chain broken in the event log: ${streamId} version 3 `));
    });

    it('an unknown stream is a failed check', async () => {
      expect(await sagaflow('events', 'verify', 'Order-nobody')).toEqual({ code: 1, stdout: '', stderr: 'error: Order-nobody not found: the stream has no events\n' });
    });
  });

  it('says where to find a database when none is configured or running, and refuses a malformed DATABASE_URL as bad usage', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-home-'));
    expect(await runSagaflow(['events', 'verify'], { DATABASE_URL: '', SAGAFLOW_HOME: home })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: no PostgreSQL to talk to: set DATABASE_URL, or start the local stack with `npm run dev`\n',
    });
    expect(await runSagaflow(['events', 'verify'], { DATABASE_URL: 'mysql://db/x' })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: invalid configuration: DATABASE_URL: must be a postgres:// or postgresql:// connection string\n',
    });
  });

  it('connects with the TLS that sslmode asks for: a server without TLS is refused, not silently used in plain text', async () => {
    const url = new URL(db.url);
    url.searchParams.set('sslmode', 'require');
    const run = await runSagaflow(['events', 'verify'], { DATABASE_URL: url.toString() });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^error: cannot reach PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/\w+\?sslmode=require: The server does not support SSL connections\n$/);
  });

  it('has --help with an example for every events command', async () => {
    for (const command of ['stream', 'state', 'verify']) {
      const help = await sagaflow('events', command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Examples?:\\n  \\$ sagaflow events ${command}`));
    }
  });
});
