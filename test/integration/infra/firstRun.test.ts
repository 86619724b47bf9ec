import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { loadConfig } from '../../../src/config/env';
import { startLocalServices, type LocalServices } from '../../../src/infra/localServices';
import { stateDir } from '../../../src/infra/paths';
import { startEmbeddedPostgres } from '../../../src/infra/postgres';
import { composition } from '../../../processes';

const root = path.resolve(__dirname, '..', '..', '..');

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Holds a port the way another program would; undefined when something already holds it (taken either way). */
async function occupy(port: number): Promise<net.Server | undefined> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** What `npm run dev` leaves when it is SIGKILLed: its services still running, their pid files in SAGAFLOW_HOME. */
async function startAndKillOwner(home: string): Promise<{ postgres: string; temporal: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test', 'support', 'localServicesChild.ts')], {
    cwd: root,
    env: { ...process.env, SAGAFLOW_HOME: home, DATABASE_URL: '', TEMPORAL_ADDRESS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const started = await new Promise<{ postgres: string; temporal: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { postgres: string; temporal: string });
    });
    child.once('exit', (code) => reject(new Error(`the services' owner exited (${code}) before they were up:\n${output}`)));
  });
  child.kill('SIGKILL');
  await once(child, 'exit');
  return started;
}

function pidsOf(home: string): number[] {
  const postmaster = Number(fs.readFileSync(path.join(home, 'dev', 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const temporal = (JSON.parse(fs.readFileSync(path.join(home, 'dev', 'temporal.json'), 'utf8')) as { pid: number }).pid;
  return [postmaster, temporal];
}

describe('first runs on a fresh or left-over machine', () => {
  const homes: string[] = [];
  const started: LocalServices[] = [];
  const savedHome = process.env.SAGAFLOW_HOME;
  const base = stateDir('test');
  afterAll(async () => {
    for (const services of started) await services.stop();
    // Services a failed test left running under its own state directory.
    for (const home of homes) {
      try {
        for (const pid of pidsOf(home)) process.kill(-pid, 'SIGKILL');
      } catch {
        // none there, or already gone
      }
    }
    if (savedHome === undefined) delete process.env.SAGAFLOW_HOME;
    else process.env.SAGAFLOW_HOME = savedHome;
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });
  const newHome = () => {
    const home = path.join(base, `first-run-${randomBytes(4).toString('hex')}`);
    homes.push(home);
    return home;
  };
  const startIn = async (home: string) => {
    process.env.SAGAFLOW_HOME = home;
    const { namespace } = loadConfig();
    const services = await startLocalServices({ profile: 'dev', config: { namespace }, searchAttributes: composition.searchAttributes });
    started.push(services);
    return services;
  };

  it('as root with no system user for PostgreSQL, creates one and starts the cluster as it', async () => {
    const user = `sgf${randomBytes(5).toString('hex')}`;
    const exists = () => {
      try {
        execFileSync('id', ['-u', user], { stdio: 'pipe' });
        return true;
      } catch {
        return false;
      }
    };
    expect(exists()).toBe(false);
    const dataDir = path.join(newHome(), 'postgres');
    const lines: string[] = [];
    const postgres = await startEmbeddedPostgres({ dataDir, preferredPort: 0, durable: false, osUser: user, log: (l) => lines.push(l) });
    try {
      expect(await answers(postgres.url)).toBe(true);
      if (process.getuid?.() === 0) {
        expect(exists()).toBe(true);
        expect(lines.join('\n')).toContain(`creating the system user '${user}'`);
        const uid = Number(execFileSync('id', ['-u', user]).toString());
        expect(fs.statSync(dataDir).uid).toBe(uid);
      } else {
        // Not root: the server runs as whoever runs it and no user is made.
        expect(exists()).toBe(false);
        expect(fs.statSync(dataDir).uid).toBe(process.getuid?.());
      }
    } finally {
      await postgres.stop();
      if (exists()) execFileSync('userdel', [user], { stdio: 'pipe' });
    }
  }, 120_000);

  it('with the default ports taken by other programs, the local stack starts on free ones', async () => {
    const holders = (await Promise.all([54329, 7233, 8233].map(occupy))).filter((s): s is net.Server => s !== undefined);
    try {
      const services = await startIn(newHome());
      expect(await answers(services.postgres.url)).toBe(true);
      expect(new URL(services.postgres.url).port).not.toBe('54329');
      expect(services.temporal.address).not.toBe('127.0.0.1:7233');
      expect(services.temporal.uiUrl).toBeDefined();
      expect(services.temporal.uiUrl).not.toContain(':8233');
      const connection = await Connection.connect({ address: services.temporal.address });
      await connection.close();
    } finally {
      for (const holder of holders) holder.close();
    }
  }, 180_000);

  it('services left running by a killed owner are found and reused; left dead, their stale pid files do not stop a new start', async () => {
    const home = newHome();
    const leftBehind = await startAndKillOwner(home);
    expect(await answers(leftBehind.postgres)).toBe(true);

    const reused = await startIn(home);
    expect(reused.postgres.owned).toBe(false);
    expect(reused.temporal.owned).toBe(false);
    expect(reused.postgres.url).toBe(leftBehind.postgres);
    expect(reused.temporal.address).toBe(leftBehind.temporal);

    // Now as after a reboot: the services are gone too, their pid files still there.
    for (const pid of pidsOf(home)) process.kill(-pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const fresh = await startIn(home);
    expect(fresh.postgres.owned).toBe(true);
    expect(fresh.temporal.owned).toBe(true);
    expect(await answers(fresh.postgres.url)).toBe(true);
    const connection = await Connection.connect({ address: fresh.temporal.address });
    await connection.close();
  }, 240_000);
});
