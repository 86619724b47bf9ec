import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useTestDatabase } from '../../support/database';
import { testEventStore } from '../../support/eventStore';
import { appendOrder } from '../../support/orderScenarios';

describe('sagaflow events archive', () => {
  const db = useTestDatabase();
  const sagaflow = (...args: string[]) => runSagaflow(args, cliEnv(db));
  const tables = async () =>
    (await db.pool.query<{ hot: string; archived: string }>('select (select count(*) from events) as hot, (select count(*) from events_archive) as archived')).rows[0];

  beforeAll(async () => {
    for (let i = 0; i < 5; i++) await appendOrder(testEventStore(db), i % 2 ? 'completed' : 'outOfStock');
    await new Promise((resolve) => setTimeout(resolve, 5));
  });

  it.each([
    [['--older-than', '5'], /--older-than must be a duration like 500ms, 5s, 2m, 1h or 30d, got "5"/],
    [['--batch-size', '0'], /--batch-size must be a whole number of at least 1, got "0"/],
    [['--batch-size', '20000'], /--batch-size must be at most 10000 streams \(one transaction\), got "20000"/],
    [['--stream-type', 'Parcel'], /--stream-type "Parcel" is not a stream type of this deployment, whose stream types are Order, Transfer, Trip/],
    [['--stream-type', 'Transfer'], /--stream-type Transfer: process MoneyTransfer keeps its Transfer streams forever; nothing of it is archived/],
  ])('refuses %j with exit code 2 naming the option, and moves nothing', async (args, message) => {
    const before = await tables();
    const run = await sagaflow('events', 'archive', '--older-than', '1ms', ...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await tables()).toEqual(before);
  });

  it('--dry-run counts what would move and moves nothing', async () => {
    const before = await tables();
    const run = await sagaflow('events', 'archive', '--dry-run', '--older-than', '1ms');
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^Order: would archive 5 stream\(s\), \d+ event\(s\) closed before \S+Z$/m);
    expect(run.stdout).toMatch(/^kept forever: Transfer$/m);
    expect(run.stdout).toMatch(/^dry run, nothing moved: 5 stream\(s\), \d+ event\(s\) would archive$/m);
    expect(await tables()).toEqual(before);
  });

  it('archives by the declared wait (nothing yet), then with --older-than, and the streams still read', async () => {
    expect((await sagaflow('events', 'archive')).stdout).toMatch(/^0 stream\(s\), 0 event\(s\) archived$/m);
    const before = await tables();

    const run = await sagaflow('events', 'archive', '--older-than', '1ms', '--batch-size', '2', '--stream-type', 'Order', '--json');

    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { streams: number; events: number };
    expect(summary).toMatchObject({ streams: 5, events: Number(before!.hot) });
    expect(await tables()).toEqual({ hot: '0', archived: before!.hot });
    const { rows } = await db.pool.query<{ stream_id: string }>('select stream_id from events_archive limit 1');
    const read = await sagaflow('events', 'stream', rows[0]!.stream_id);
    expect(read.code).toBe(0);
    expect(read.stdout).toMatch(/^v1 {2}OrderPlaced/);
    expect(await sagaflow('events', 'verify')).toMatchObject({ code: 0, stdout: expect.stringMatching(/hash chain intact/) });
  });

  it('export-archived writes every archived event as stored, one JSON line each in the global order, to a new file only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-export-'));
    const file = path.join(dir, 'archive.jsonl');
    const { rows } = await db.pool.query<{ n: string }>('select count(*) as n from events_archive');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);

    const run = await sagaflow('events', 'export-archived', file, '--stream-type', 'Order');

    expect(run).toMatchObject({ code: 0, stdout: `wrote ${rows[0]!.n} archived event(s) to ${file}\n` });
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { streamId: string; version: number; hash: string; globalPosition: number; data: unknown });
    expect(lines).toHaveLength(Number(rows[0]!.n));
    const keys = lines.map((l) => (l as unknown as { transactionId: string }).transactionId.padStart(20, '0') + String(l.globalPosition).padStart(20, '0'));
    expect(keys).toEqual([...keys].sort());
    const stream = lines[0]!.streamId;
    const stored = await testEventStore(db).readStream(stream);
    expect(lines.filter((l) => l.streamId === stream).map((l) => [l.version, l.hash, l.globalPosition])).toEqual(stored.map((e) => [e.version, e.hash, e.globalPosition]));

    const again = await sagaflow('events', 'export-archived', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/<file>: cannot create .*archive\.jsonl: it exists already/);
    expect(fs.readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(lines.length);
    expect((await sagaflow('events', 'export-archived', path.join(dir, 'other.jsonl'), '--stream-type', 'Parcel')).code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'other.jsonl'))).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });

  it('says which role may archive when the database role may not', async () => {
    const login = `app_${randomUUID().slice(0, 8)}`;
    await db.pool.query(`create role ${login} login password 'app' in role sagaflow_app`);
    await appendOrder(testEventStore(db), 'completed');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = await tables();
    try {
      const url = new URL(db.url);
      url.username = login;
      url.password = 'app';
      const run = await runSagaflow(['events', 'archive', '--older-than', '1ms'], { DATABASE_URL: url.toString() });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the database role of DATABASE_URL may not archive .*: run this as a role granted sagaflow_archiver/);
      expect(await tables()).toEqual(before);
    } finally {
      await db.pool.query(`drop owned by ${login}; drop role ${login}`);
    }
  });
});
