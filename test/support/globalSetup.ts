import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleOptions } from '../../workers/workflowBundle';
import pg from 'pg';
import { loadConfig } from '../../src/config/env';
import { migrate } from '../../src/db/migrate';
import { startLocalServices, type LocalServices } from '../../src/infra/localServices';
import { stateDir } from '../../src/infra/paths';
import { withDatabase } from '../../src/infra/postgres';
import { composition } from '../../processes';
import { TEST_ENV } from './env';
import { quietBundleLogger } from './bundleLogger';

const TEMPLATE_DB = 'sagaflow_test_template';

declare global {
  // Shared between global setup and teardown, which run in the same process.
  var __sagaflowServices: LocalServices | undefined;
}

/**
 * Starts PostgreSQL and Temporal once per run, migrates a template database that each test file
 * clones (CREATE DATABASE … TEMPLATE is a file copy: milliseconds, not a migration run), and bundles
 * the workflows once so every test Worker starts from the same code.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  const started = Date.now();
  const config = loadConfig();
  const services = await startLocalServices({ profile: 'test', config, searchAttributes: composition.searchAttributes, log });
  globalThis.__sagaflowServices = services;

  const adminUrl = withDatabase(services.postgres.url, 'postgres');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  await migrate(withDatabase(adminUrl, TEMPLATE_DB));

  // Fast retries (5 s, 3 attempts), so every outcome, an exhausted compensation included, comes in
  // seconds; the standard profile for the restart tests, whose outages last longer than three fast attempts.
  const bundlePath = await writeBundle('fast');
  const standardBundlePath = await writeBundle('standard');

  process.env[TEST_ENV.postgresAdminUrl] = adminUrl;
  process.env[TEST_ENV.templateDatabase] = TEMPLATE_DB;
  process.env[TEST_ENV.temporalAddress] = services.temporal.address;
  process.env[TEST_ENV.temporalNamespace] = services.temporal.namespace;
  if (services.temporal.uiUrl) process.env[TEST_ENV.temporalUiUrl] = services.temporal.uiUrl;
  process.env[TEST_ENV.workflowBundle] = bundlePath;
  process.env[TEST_ENV.standardWorkflowBundle] = standardBundlePath;
  log(`services ready in ${Date.now() - started} ms`);
}

async function writeBundle(retries: 'fast' | 'standard'): Promise<string> {
  const bundle = await bundleWorkflowCode({ logger: quietBundleLogger, ...workflowBundleOptions({ retries }) });
  const bundlePath = path.join(stateDir('test'), `workflow-bundle-${retries}.js`);
  fs.mkdirSync(path.dirname(bundlePath), { recursive: true });
  fs.writeFileSync(bundlePath, bundle.code);
  return bundlePath;
}
