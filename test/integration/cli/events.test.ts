import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogVerification, StoredEvent } from '../../../src/eventstore';
import { cliEnv, runSagaflow } from '../../support/cli';
import { createTestDatabase, useTestDatabase, type TestDatabase } from '../../support/database';
import { inventoryReserved, orderCompleted, orderPlaced, testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';
import { asSuperuser as tamper, rewriteRecomputingChain, seedOrderStreams } from '../../support/tampering';

describe('sagaflow events', () => {
  const db = useTestDatabase();
  const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db));
  const json = <T>(run: { code: number; stdout: string }): T => {
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as T;
  };

  const asSuperuser = (sql: string, params: unknown[]) => tamper(db, sql, params);

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
        'v6 SagaCompleted',
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
      expect(then).toMatchObject({ asOf: 4, version: 4, state: { status: 'COMPENSATION_FAILED', last_event_type: 'SagaCompensationFailed', resolved_by: null } });
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

  describe('digest, and verify --against it', () => {
    // Six streams of three events in windows of four: window 0 holds A1 A2 A3 B1, 1 B2 B3 C1 C2,
    // 2 C3 D1 D2 D3, 3 E1 E2 E3 F1, 4 F2 F3 (the letters are the streams in the order appended).
    let log: TestDatabase;
    let A: string, B: string, C: string, D: string, E: string, F: string;
    let file: string;
    beforeEach(async () => {
      log = await createTestDatabase();
      [A, B, C, D, E, F] = (await seedOrderStreams(log, 6)) as [string, string, string, string, string, string];
      file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-digest-')), 'digest.json');
      const digest = await run('events', 'digest', '--window', '4');
      expect(digest).toMatchObject({ code: 0, stderr: '' });
      fs.writeFileSync(file, digest.stdout);
    });
    afterEach(() => log?.drop());

    const run = (...args: string[]) => runSagaflow(args, cliEnv(log));
    const against = (...more: string[]) => run('events', 'verify', '--against', file, ...more);
    const at = async (streamId: string, version: number): Promise<string> => {
      const { rows } = await log.pool.query<{ p: string; x: string }>('select global_position as p, transaction_id::text as x from events where stream_id = $1 and version = $2', [streamId, version]);
      return `global position ${rows[0]!.p} \\(transaction ${rows[0]!.x}\\)`;
    };
    const failed = async (...more: string[]) => {
      const result = await against(...more);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: the event log differs from ${file} up to global position \\d+ \\(transaction \\d+\\): [^\\n]+\\n$`));
      return result.stdout;
    };
    const report = async () => {
      const result = await against('--json');
      expect(result.code).toBe(1);
      return JSON.parse(result.stdout) as LogVerification;
    };

    it('prints the digest as JSON, and an untouched log matches it, events appended since included', async () => {
      const digest = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      expect(digest).toMatchObject({ format: 'sagaflow-log-digest/1', events: 18, streams: 6, windowSize: 4, head: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(digest.windows).toHaveLength(5);
      const last = new RegExp(`^the event log up to ${await at(F, 3)}: 18 events in 6 streams match the digest \\(head [0-9a-f]{16}…\\)`);
      expect((await against()).stdout).toMatch(new RegExp(`${last.source}\\n$`));

      const orderId = A.slice('Order-'.length);
      await testEventStore(log).append(A, [orderCompleted(orderId)], { expectedVersion: 3 });
      await seedOrderStreams(log, 1);

      const later = await against();
      expect(later).toMatchObject({ code: 0, stderr: '' });
      expect(later.stdout).toMatch(new RegExp(`${last.source}; 4 events appended since, not covered by the digest\\n$`));
      expect(JSON.parse((await against('--json')).stdout)).toMatchObject({ ok: true, events: { digest: 18, now: 18 }, appendedSince: 4, differingWindows: [], chain: { brokenCount: 0 } });
    });

    it('(a) names a payload changed in place: the hash chain breaks at it', async () => {
      await tamper(log, `update events set data = jsonb_set(data, '{reservationId}', '"forged"') where stream_id = $1 and version = 2`, [C]);

      const text = await failed();

      expect(text).toMatch(new RegExp(`  hash chain: 1 broken link in 18 events up to the digest's end:\\n    ${C} version 2 at ${await at(C, 2)} in window 1: stores hash [0-9a-f]{16}… but its content and predecessor give`));
      expect(await report()).toMatchObject({ differingWindows: [], chain: { brokenCount: 1, breaks: [{ streamId: C, version: 2, window: 1 }] } });
    });

    it('(b) names a deleted middle event: its window lost one event, a version gap its stream', async () => {
      await tamper(log, 'delete from events where stream_id = $1 and version = 2', [B]);

      const text = await failed();

      expect(text).toContain('  events: 18 in the digest, 17 now (1 fewer); streams: 6 in the digest, 6 now\n');
      expect(text).toMatch(new RegExp(`  window 1, after ${await at(B, 1)} through ${await at(C, 2)}: 3 events, the digest has 4; events missing\\n    missing: ${B} version 2 \\(later versions remain: a gap in the stream\\)\\n`));
      expect(text).toMatch(new RegExp(`    ${B} version 3 at ${await at(B, 3)} in window 1: version 2 is missing before it\\n`));
      expect(await report()).toMatchObject({ differingWindows: [{ index: 1, change: 'missing', expectedEvents: 4, actualEvents: 3, missing: [{ streamId: B, version: 2, where: 'gap' }], unnamedMissing: 0 }] });
    });

    it('(c) names two events whose payloads were swapped: both links break', async () => {
      await tamper(
        log,
        `update events set data = case when stream_id = $1 then (select data from events where stream_id = $2 and version = 1)
                                       else (select data from events where stream_id = $1 and version = 1) end
          where stream_id in ($1, $2) and version = 1`,
        [D, E],
      );

      const text = await failed();

      expect(text).toContain('hash chain: 2 broken links in 18 events');
      expect(text).toMatch(new RegExp(`    ${D} version 1 at ${await at(D, 1)} in window 2: stores hash `));
      expect(text).toMatch(new RegExp(`    ${E} version 1 at ${await at(E, 1)} in window 3: stores hash `));
    });

    it("(d) names a stream's last event deleted, which the hash chain cannot see", async () => {
      await tamper(log, 'delete from events where stream_id = $1 and version = 3', [D]);
      expect((await run('events', 'verify')).code).toBe(0);

      const text = await failed();

      expect(text).toMatch(
        new RegExp(`  window 2, after ${await at(C, 2)} through global position \\d+ \\(transaction \\d+\\): 3 events, the digest has 4; events missing\\n    missing: ${D} version 3 \\(its last event up to the digest's end: the stream now ends at version 2\\)\\n`),
      );
      expect(text).toContain("  hash chain: intact over 17 events up to the digest's end\n");
      expect(await report()).toMatchObject({ differingWindows: [{ index: 2, missing: [{ streamId: D, version: 3, where: 'last' }], unnamedMissing: 0 }] });
    });

    it('(e) detects a whole stream deleted, which the hash chain cannot see, and says which window lost its events', async () => {
      await tamper(log, 'delete from events where stream_id = $1', [E]);
      expect((await run('events', 'verify')).code).toBe(0);

      const text = await failed();

      expect(text).toContain('  events: 18 in the digest, 15 now (3 fewer); streams: 6 in the digest, 5 now (1 fewer)\n');
      expect(text).toMatch(new RegExp(`  window 3, after global position \\d+ \\(transaction \\d+\\) through ${await at(F, 1)}: 1 event, the digest has 4; events missing\\n    missing: 3 events no stream left in the log accounts for \\(a whole stream deleted`));
      expect((await against()).stderr).toContain(': 1 window of 5 differ (3); 3 event(s) missing; 1 stream gone\n');
    });

    it('(f) localizes a payload rewritten with the rest of its chain recomputed, which the hash chain cannot see, and lists its window', async () => {
      const orderId = C.slice('Order-'.length);
      await rewriteRecomputingChain(log, C, 2, { orderId, reservationId: 'forged', items: [{ sku: 'sku-1', quantity: 2 }] });
      expect((await run('events', 'verify')).code).toBe(0);

      const text = await failed();

      expect(text).toMatch(
        new RegExp(
          `  window 1, after ${await at(B, 1)} through ${await at(C, 2)}: 4 events as in the digest; the same streams and versions with other hashes or places in the order: rewritten, and the hash chain recomputed after the change, since it still holds\\n` +
            `    its events now \\(the changed ones are among them\\):\\n(      .*\\n){2}      ${C} version 1 OrderPlaced at .*\\n      ${C} version 2 InventoryReserved at ${await at(C, 2)}, \\d{4}-`,
        ),
      );
      expect(text).toMatch(/ {2}window 2, .*: 4 events as in the digest; the same streams and versions with other hashes or places in the order: rewritten, and the hash chain recomputed/);
      const json = await report();
      expect(json.differingWindows.map((w) => [w.index, w.change])).toEqual([
        [1, 'rewritten'],
        [2, 'rewritten'],
      ]);
      expect(json.chain.brokenCount).toBe(0);
    });

    it('detects the last events cut off the end and names them', async () => {
      const lastNow = await at(F, 1);
      await tamper(log, 'delete from events where stream_id = $1 and version > 1', [F]);
      expect((await run('events', 'verify')).code).toBe(0);

      const text = await failed();

      expect(text).toMatch(new RegExp(`  cut at the end: the digest's last event, global position \\d+ \\(transaction \\d+\\), is gone; up to there the log now ends at ${lastNow}, in window 3; windows 3 to 4 miss 2 events\\n`));
      expect(text).toMatch(new RegExp(`  window 4, .*: 0 events, the digest has 2; events missing\\n    missing: ${F} versions 2–3 \\(its last events up to the digest's end: the stream now ends at version 1\\)\\n`));
      expect(await report()).toMatchObject({ truncated: { fromWindow: 3, missingFromThere: 2 }, differingWindows: [{ index: 4, missing: [{ streamId: F, version: 2, where: 'last', streamNowEndsAt: 1 }, { streamId: F, version: 3, where: 'last', streamNowEndsAt: 1 }] }], events: { digest: 18, now: 16 } });
    });

    it('refuses a digest file that is missing, not JSON or not a valid digest as bad usage, before it connects', async () => {
      const offline = (...args: string[]) => runSagaflow(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nowhere' });
      const digest = fs.readFileSync(file, 'utf8');
      const write = (name: string, text: string) => {
        const other = path.join(path.dirname(file), name);
        fs.writeFileSync(other, text);
        return other;
      };
      const edited = write('edited.json', digest.replace(/"head": "([0-9a-f])/, (_, first: string) => `"head": "${first === '0' ? '1' : '0'}`));
      const windowEdited = write('window.json', digest.replace(/("[0-9a-f]{12}",")([0-9a-f])/, (_, before: string, first: string) => `${before}${first === '0' ? '1' : '0'}`));
      const otherFormat = write('format.json', digest.replace('sagaflow-log-digest/1', 'sagaflow-log-digest/9'));
      const notJson = write('cut.json', digest.slice(0, 100));
      const cases: Array<[string[], RegExp]> = [
        [['events', 'verify', '--against', path.join(path.dirname(file), 'nope.json')], /^error: --against \S+nope\.json: cannot read the digest file: ENOENT/],
        [['events', 'verify', '--against', notJson], /^error: --against \S+cut\.json: a digest file must be the JSON `sagaflow events digest` printed: /],
        [['events', 'verify', '--against', otherFormat], /^error: --against \S+format\.json: not a sagaflow-log-digest\/1 digest: format: must be "sagaflow-log-digest\/1"\n$/],
        [['events', 'verify', '--against', edited], /^error: --against \S+edited\.json: not a sagaflow-log-digest\/1 digest: head: does not match the windows and totals: the file was changed or cut short\n$/],
        [['events', 'verify', '--against', windowEdited], /^error: --against \S+window\.json: not a sagaflow-log-digest\/1 digest: head: does not match/],
        [['events', 'verify', A, '--against', file], /^error: --against checks the whole log up to the digest: give no stream id with it\n$/],
      ];
      for (const [args, message] of cases) {
        const result = await offline(...args);
        expect(result).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toMatch(message);
        expect(result.stderr.split('\n')).toHaveLength(2);
      }
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
    for (const command of ['stream', 'state', 'verify', 'digest']) {
      const help = await sagaflow('events', command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`Examples?:\\n  \\$ sagaflow events ${command}`));
    }
  });
});
