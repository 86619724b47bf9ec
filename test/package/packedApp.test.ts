import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { repoRoot } from '../../src/infra/paths';
import { withDatabase } from '../../src/infra/postgres';
import { testEnv } from '../support/env';

const run = promisify(execFile);

/** The README's app (examples/app): what a team writes on the published package, nothing more. */
const APP_SOURCE = path.join(repoRoot, 'examples', 'app');

/**
 * The app's environment: no services of this run (the app's tests start their own through
 * sagaflow/testing) and an npm cache of its own, created empty, so the install proves the package
 * and its dependencies come from the registry and the tarball alone.
 */
function appEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'SAGAFLOW_HOME', 'NODE_OPTIONS', 'TS_NODE_PROJECT']) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('npm_') || key.startsWith('JEST_')) delete env[key];
  return { ...env, ...extra };
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await work();
  process.stderr.write(`[packed app] ${what} took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

describe('sagaflow as a package: a new app installs the packed tarball and runs its own saga on it', () => {
  let work: string;
  let app: string;
  let cache: string;

  beforeAll(async () => {
    // Outside the repository, so nothing resolves from this checkout's node_modules.
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-packed-app-'));
    app = path.join(work, 'app');
    cache = path.join(work, 'npm-cache');
    fs.mkdirSync(cache);
    // prepack builds, so the tarball holds JavaScript compiled from this checkout.
    const { stdout } = await timed('npm pack', () => run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: repoRoot, env: appEnv(), maxBuffer: 64 << 20 }));
    const tarball = path.join(work, stdout.trim().split('\n').pop()!);
    fs.cpSync(APP_SOURCE, app, { recursive: true, filter: (source) => !/[/\\](node_modules|dist|\.sagaflow)$/.test(source) });
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies.sagaflow = `file:${tarball}`;
    fs.writeFileSync(path.join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await timed('the app\'s npm install (empty cache)', () =>
      run('npm', ['install', '--no-audit', '--no-fund'], { cwd: app, env: appEnv({ npm_config_cache: cache }), maxBuffer: 64 << 20 }),
    );
  }, 15 * 60_000);

  afterAll(() => {
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships only the public entries, the bin and the migrations', () => {
    const installed = path.join(app, 'node_modules', 'sagaflow');
    const manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    expect(Object.keys(manifest.exports).sort()).toEqual(['./cli', './client', './eventstore', './package.json', './projections', './testing', './worker', './workflow']);
    for (const target of Object.values(manifest.exports)) expect(fs.existsSync(path.join(installed, target))).toBe(true);
    expect(fs.readdirSync(path.join(installed, 'src', 'db', 'migrations')).filter((f) => f.endsWith('.sql')).length).toBeGreaterThan(0);
    // No sources and none of this repository's processes.
    expect(fs.existsSync(path.join(installed, 'processes'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'dist', 'processes'))).toBe(false);
    expect(fs.existsSync(path.join(installed, 'src', 'saga'))).toBe(false);
  });

  it("type-checks and runs the app's test: one run completes, one compensates, its events and read model show both, and their histories replay", async () => {
    const { stdout } = await timed("the app's first npm test (tsc, services started, both runs, replay)", () =>
      run('npm', ['test'], { cwd: app, env: appEnv({ npm_config_cache: cache }), maxBuffer: 64 << 20, timeout: 10 * 60_000 }).catch((error: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`the app's npm test failed: ${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      }),
    );
    expect(stdout).toMatch(/^# pass 4$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  }, 10 * 60_000);

  it("sagaflow migrate, from the installed bin, brings the app's empty database to the engine's schema", async () => {
    const adminUrl = testEnv('postgresAdminUrl');
    const name = `packed_app_${randomUUID().replace(/-/g, '')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name}`);
      const databaseUrl = withDatabase(adminUrl, name);
      const { stdout } = await run('npx', ['--no-install', 'sagaflow', 'migrate', '--json'], { cwd: app, env: appEnv({ DATABASE_URL: databaseUrl, npm_config_cache: cache }) });
      const applied = (JSON.parse(stdout) as { applied: string[] }).applied;
      const shipped = fs.readdirSync(path.join(repoRoot, 'src', 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
      expect(applied).toEqual(shipped.map((f) => f.replace(/\.sql$/, '')));
      const db = new pg.Client({ connectionString: databaseUrl });
      await db.connect();
      try {
        expect((await db.query(`select to_regclass('events') is not null as present`)).rows[0]).toEqual({ present: true });
      } finally {
        await db.end();
      }
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  it('the installed sagaflow command refuses a composition module that does not load, exiting 2 and naming the variable', async () => {
    const failure = await run('npx', ['--no-install', 'sagaflow', 'events', 'verify'], { cwd: app, env: appEnv({ SAGAFLOW_COMPOSITION: 'dist/missing.js', npm_config_cache: cache }) }).then(
      () => undefined,
      (error: Error & { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/SAGAFLOW_COMPOSITION must name a module that loads/);
  });
});
