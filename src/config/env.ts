import fs from 'node:fs';
import net from 'node:net';
import { z } from 'zod';
import { DURATION_RULE, parseDuration } from './duration';
import { loadDotEnv } from './dotEnv';
import { SagaflowError } from '../errors/sagaflowError';

/** The sslmode values node-postgres can honour: it has no fallback between plain and TLS connections (allow, prefer). */
export const SSL_MODES = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/**
 * URL parameters node-postgres would act on behind sagaflow's back: the CA comes from
 * DATABASE_SSL_CA (so its path is checked at start-up) and TLS from sslmode alone.
 */
const UNSUPPORTED_URL_PARAMETERS: Record<string, string> = {
  sslrootcert: "give the CA certificate's path in DATABASE_SSL_CA",
  sslcert: 'client certificates for PostgreSQL are not supported',
  sslkey: 'client certificates for PostgreSQL are not supported',
  ssl: 'use sslmode',
  uselibpqcompat: 'sslmode already follows the rules in the README',
};

const postgresUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    url = new URL('invalid:');
  }
  if (!['postgres:', 'postgresql:'].includes(url.protocol)) {
    ctx.addIssue({ code: 'custom', message: 'must be a postgres:// or postgresql:// connection string' });
    return;
  }
  const mode = url.searchParams.get('sslmode');
  if (mode !== null && !(SSL_MODES as readonly string[]).includes(mode)) {
    ctx.addIssue({ code: 'custom', message: `sslmode must be one of ${SSL_MODES.join(', ')} (node-postgres cannot fall back between TLS and plain), got ${mode}` });
  }
  for (const [parameter, instead] of Object.entries(UNSUPPORTED_URL_PARAMETERS)) {
    if (url.searchParams.has(parameter)) ctx.addIssue({ code: 'custom', message: `must not set ${parameter}: ${instead}` });
  }
});

const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, { message: 'must be host:port, e.g. localhost:7233' });
const nonEmpty = z.string().min(1, { message: 'must not be empty' });

/** A path that must name a readable file now, not at the first connection an hour later. */
const existingFile = z.string().superRefine((value, ctx) => {
  try {
    if (!fs.statSync(value).isFile()) ctx.addIssue({ code: 'custom', message: `must be the path of a file, and ${value} is not a file` });
    else fs.accessSync(value, fs.constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    ctx.addIssue({ code: 'custom', message: code === 'ENOENT' ? `must be the path of a file, and ${value} does not exist` : `must be a readable file (${value}: ${code})` });
  }
});

/** The Temporal namespace unless TEMPORAL_NAMESPACE names another. */
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

const envSchema = z
  .object({
    DATABASE_URL: postgresUrl.optional(),
    DATABASE_SSL_CA: existingFile.optional(),
    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: nonEmpty.default(DEFAULT_TEMPORAL_NAMESPACE),
    TEMPORAL_TLS_CERT: existingFile.optional(),
    TEMPORAL_TLS_KEY: existingFile.optional(),
    TEMPORAL_TLS_CA: existingFile.optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().regex(/^[A-Za-z0-9.-]+$/, { message: 'must be a host name, e.g. temporal.internal' }).optional(),
    TEMPORAL_API_KEY: z.string().regex(/^\S+$/, { message: 'must not contain spaces' }).optional(),
    SAGAFLOW_TASK_QUEUE: nonEmpty.default('sagaflow'),
    SAGAFLOW_WORKFLOW_BUNDLE: existingFile.optional(),
    SAGAFLOW_RETRIES: z.enum(['standard', 'fast'], { message: "must be 'standard' or 'fast'" }).default('standard'),
    TEMPORAL_CLI_PATH: existingFile.optional(),
    SAGAFLOW_HOME: nonEmpty.optional(),
  })
  .superRefine((env, ctx) => {
    const issue = (variable: string, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    if (env.TEMPORAL_TLS_CERT && !env.TEMPORAL_TLS_KEY) issue('TEMPORAL_TLS_KEY', 'must be set with TEMPORAL_TLS_CERT (the client certificate needs its key)');
    if (env.TEMPORAL_TLS_KEY && !env.TEMPORAL_TLS_CERT) issue('TEMPORAL_TLS_CERT', 'must be set with TEMPORAL_TLS_KEY (the key needs its client certificate)');
    if (!env.TEMPORAL_ADDRESS) {
      for (const variable of ['TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY', 'TEMPORAL_TLS_CA', 'TEMPORAL_TLS_SERVER_NAME', 'TEMPORAL_API_KEY'] as const) {
        if (env[variable]) issue(variable, 'needs TEMPORAL_ADDRESS: the local dev server speaks neither TLS nor API keys');
      }
    }
    if (env.DATABASE_SSL_CA) {
      if (!env.DATABASE_URL) issue('DATABASE_SSL_CA', 'needs DATABASE_URL: the local PostgreSQL does not serve TLS');
      else if (sslModeOf(env.DATABASE_URL) === 'disable') issue('DATABASE_SSL_CA', 'contradicts sslmode=disable in DATABASE_URL');
    }
  });

/** The sslmode a DATABASE_URL asks for, if it names one. */
export function sslModeOf(databaseUrl: string): string | undefined {
  try {
    return new URL(databaseUrl).searchParams.get('sslmode') ?? undefined;
  } catch {
    return undefined;
  }
}

/** How to reach Temporal securely: mutual TLS with a client certificate, server TLS only, or an API key (Temporal Cloud). */
export interface TemporalTlsSettings {
  clientCertPath?: string;
  clientKeyPath?: string;
  caPath?: string;
  serverName?: string;
  /** Temporal Cloud's API key authentication; always over TLS. */
  apiKey?: string;
}

export type SagaflowConfig = {
  /** Unset: the local stack starts an embedded PostgreSQL. */
  databaseUrl?: string;
  /** CA certificate that verifies the database server (managed PostgreSQL with a private CA). */
  databaseSslCaPath?: string;
  /** Unset: the local stack starts a Temporal dev server. */
  temporalAddress?: string;
  namespace: string;
  /** Present when the Temporal connection uses TLS. */
  temporalTls?: TemporalTlsSettings;
  taskQueue: string;
  /** A prebuilt workflow bundle (bundleWorkflowCode output) the saga worker loads instead of bundling at start. */
  workflowBundlePath?: string;
  /**
   * The saga worker's retry profile: 'standard' (production budgets) or 'fast' (5 s timeouts, 3
   * attempts: every outcome in seconds, for trying sagas out). A prebuilt bundle carries its own.
   */
  retries: 'standard' | 'fast';
};

export class ConfigError extends SagaflowError {
  override name = 'ConfigError';
  /** One `VARIABLE: rule` per wrong variable. */
  constructor(readonly issues: string[]) {
    super(`invalid configuration:\n${issues.map((issue) => `  ${issue}`).join('\n')}`);
  }
}

/**
 * Reads and validates the settings once, at start-up, from the environment and the `.env` file when
 * env is not given; every wrong variable is named with its rule.
 */
export function loadConfig(env: NodeJS.ProcessEnv = loadDotEnv()): SagaflowConfig {
  const e = parseEnv(envSchema, env);
  const tls: TemporalTlsSettings = {
    ...(e.TEMPORAL_TLS_CERT ? { clientCertPath: e.TEMPORAL_TLS_CERT } : {}),
    ...(e.TEMPORAL_TLS_KEY ? { clientKeyPath: e.TEMPORAL_TLS_KEY } : {}),
    ...(e.TEMPORAL_TLS_CA ? { caPath: e.TEMPORAL_TLS_CA } : {}),
    ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}),
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };
  return {
    ...(e.DATABASE_URL ? { databaseUrl: e.DATABASE_URL } : {}),
    ...(e.DATABASE_SSL_CA ? { databaseSslCaPath: e.DATABASE_SSL_CA } : {}),
    ...(e.TEMPORAL_ADDRESS ? { temporalAddress: e.TEMPORAL_ADDRESS } : {}),
    namespace: e.TEMPORAL_NAMESPACE,
    ...(Object.keys(tls).length ? { temporalTls: tls } : {}),
    taskQueue: e.SAGAFLOW_TASK_QUEUE,
    ...(e.SAGAFLOW_WORKFLOW_BUNDLE ? { workflowBundlePath: e.SAGAFLOW_WORKFLOW_BUNDLE } : {}),
    retries: e.SAGAFLOW_RETRIES,
  };
}

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

/** Where the projection worker's /metrics and /healthz listen unless told: this machine only. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to listen on: an IP address of this machine's interfaces (or a wildcard), or a name resolving to one. */
const listenHost = z.string().superRefine((value, ctx) => {
  // A name's last label is never all digits: 256.1.1.1 or 9464 is a mistyped address or a port, not a name.
  if (net.isIP(value) !== 0 || (HOST_NAME.test(value) && !/(^|\.)\d+$/.test(value))) return;
  const withPort = /^(\[[^\]]+\]|[^:]+):\d+$/.exec(value);
  ctx.addIssue({
    code: 'custom',
    message: withPort
      ? `must be an address without a port (the port is SAGAFLOW_METRICS_PORT), e.g. ${withPort[1]!.replace(/^\[|\]$/g, '')}`
      : 'must be an IP address or host name to listen on, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)',
  });
});

/** The shortest SAGAFLOW_ARCHIVE_EVERY: a run looks for closed streams in the whole hot table. */
const MIN_ARCHIVE_EVERY_MS = 60_000;

const archiveEvery = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined) ctx.addIssue({ code: 'custom', message: `${DURATION_RULE}, got ${JSON.stringify(value)}` });
  else if (ms < MIN_ARCHIVE_EVERY_MS) ctx.addIssue({ code: 'custom', message: `must be at least 1m (each run scans the hot table for closed streams), got ${JSON.stringify(value)}` });
  return ms ?? 0;
});

const projectionWorkerSchema = z.object({
  SAGAFLOW_METRICS_HOST: listenHost.default(DEFAULT_METRICS_HOST),
  SAGAFLOW_METRICS_PORT: wholeNumber(0, 65535).optional(),
  SAGAFLOW_PROJECTION_BATCH_SIZE: wholeNumber(1, 10_000).default(500),
  SAGAFLOW_PROJECTION_POLL_MS: wholeNumber(10, 600_000).default(1_000),
  SAGAFLOW_PROJECTION_HELD_BACK_LOG_MS: wholeNumber(0, 3_600_000).default(5_000),
  SAGAFLOW_ARCHIVE_EVERY: archiveEvery.optional(),
  SAGAFLOW_ARCHIVE_BATCH_SIZE: wholeNumber(1, 10_000).default(100),
});

export const DEFAULT_METRICS_PORT = 9464;

export type ProjectionWorkerConfig = Pick<SagaflowConfig, 'databaseUrl' | 'databaseSslCaPath'> & {
  /** Address the worker's /metrics and /healthz listen on: loopback unless set (0.0.0.0 for a scraper on another host). */
  metricsHost: string;
  /**
   * Port of the worker's /metrics and /healthz (0: any free port). Unset: DEFAULT_METRICS_PORT, which
   * `npm run dev` trades for a free port when another program holds it.
   */
  metricsPort: number | undefined;
  /** Events per projection transaction. */
  batchSize: number;
  /** How often to look for events and for projections to take over when no notification arrives. */
  pollIntervalMs: number;
  /** How long an open transaction may hold the log's read bound back before the worker logs it. */
  heldBackLogAfterMs: number;
  /** How often to archive closed streams by the processes' retention; unset: never (the default). */
  archiveEveryMs?: number;
  /** Whole streams per archive transaction. */
  archiveBatchSize: number;
};

/** The projection worker's settings: the shared ones (its database) validated like `loadConfig`'s, and its own. */
export function loadProjectionWorkerConfig(env: NodeJS.ProcessEnv = loadDotEnv()): ProjectionWorkerConfig {
  const { databaseUrl, databaseSslCaPath } = loadConfig(env);
  const {
    SAGAFLOW_METRICS_HOST,
    SAGAFLOW_METRICS_PORT,
    SAGAFLOW_PROJECTION_BATCH_SIZE,
    SAGAFLOW_PROJECTION_POLL_MS,
    SAGAFLOW_PROJECTION_HELD_BACK_LOG_MS,
    SAGAFLOW_ARCHIVE_EVERY,
    SAGAFLOW_ARCHIVE_BATCH_SIZE,
  } = parseEnv(projectionWorkerSchema, env);
  return {
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(databaseSslCaPath ? { databaseSslCaPath } : {}),
    metricsHost: SAGAFLOW_METRICS_HOST,
    metricsPort: SAGAFLOW_METRICS_PORT,
    batchSize: SAGAFLOW_PROJECTION_BATCH_SIZE,
    pollIntervalMs: SAGAFLOW_PROJECTION_POLL_MS,
    heldBackLogAfterMs: SAGAFLOW_PROJECTION_HELD_BACK_LOG_MS,
    ...(SAGAFLOW_ARCHIVE_EVERY !== undefined ? { archiveEveryMs: SAGAFLOW_ARCHIVE_EVERY } : {}),
    archiveBatchSize: SAGAFLOW_ARCHIVE_BATCH_SIZE,
  };
}

/**
 * SAGAFLOW_PROJECTION_MAX_LAG: acceptable lags by projection name, `order_summary=2s,saga_outcomes=1m`,
 * over each projection's declared one. Read by `sagaflow projections status` and the projection worker's /healthz and metrics.
 */
const maxLagSchema = z.object({
  SAGAFLOW_PROJECTION_MAX_LAG: z
    .string()
    .transform((text, context) => {
      const lags: Record<string, number> = {};
      for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
        const [name, duration, ...rest] = entry.split('=');
        const ms = duration === undefined ? undefined : parseDuration(duration);
        if (!name?.trim() || ms === undefined || rest.length > 0) {
          context.addIssue({ code: 'custom', message: `${JSON.stringify(entry)}: each entry must be <projection>=<duration>, where the duration ${DURATION_RULE}` });
          return z.NEVER;
        }
        lags[name.trim()] = ms;
      }
      return lags;
    })
    .optional(),
});

/**
 * The acceptable lags configuration sets by projection name (SAGAFLOW_PROJECTION_MAX_LAG); empty when
 * unset. A name that is none of `projections` is refused: a misspelt one would otherwise leave its
 * projection on the declared lag, silently.
 */
export function loadProjectionMaxLag(projections: readonly string[], env: NodeJS.ProcessEnv = loadDotEnv()): Readonly<Record<string, number>> {
  const lags = parseEnv(maxLagSchema, env).SAGAFLOW_PROJECTION_MAX_LAG ?? {};
  const unknown = Object.keys(lags).filter((name) => !projections.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError([`SAGAFLOW_PROJECTION_MAX_LAG: ${unknown.map((name) => JSON.stringify(name)).join(', ')} ${unknown.length === 1 ? 'is not a projection' : 'are not projections'} of this deployment, whose projections are ${projections.join(', ')}`]);
  }
  return lags;
}

/** Deadlines after which a saga run counts as stuck: one for every type, and some by saga type. */
export interface StuckAfterSettings {
  /** For every saga type not named; the built-in default when unset. */
  allMs?: number;
  byType: Readonly<Record<string, number>>;
}

/**
 * SAGAFLOW_SAGA_STUCK_AFTER: how long a saga may run before it counts as stuck, `30m` for all or
 * `30m,TripBooking=2h` with some by saga type. Read by the saga metrics and `sagaflow sagas stats`.
 */
const stuckAfterSchema = z.object({
  SAGAFLOW_SAGA_STUCK_AFTER: z
    .string()
    .transform((text, context) => {
      const settings: { allMs?: number; byType: Record<string, number> } = { byType: {} };
      for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
        const [first, second, ...rest] = entry.split('=').map((part) => part.trim());
        const named = second !== undefined;
        const ms = parseDuration(named ? second : first!);
        if (ms === undefined || rest.length > 0 || (named && !first) || (!named && settings.allMs !== undefined)) {
          context.addIssue({ code: 'custom', message: `${JSON.stringify(entry)}: each entry must be <duration> (once, for every saga type) or <SagaType>=<duration>, where the duration ${DURATION_RULE}` });
          return z.NEVER;
        }
        if (named) settings.byType[first!] = ms;
        else settings.allMs = ms;
      }
      return settings;
    })
    .optional(),
});

/** The stuck deadlines configuration sets (SAGAFLOW_SAGA_STUCK_AFTER); a saga type the deployment does not run is refused. */
export function loadSagaStuckAfter(sagaTypes: readonly string[], env: NodeJS.ProcessEnv = loadDotEnv()): StuckAfterSettings {
  const settings = parseEnv(stuckAfterSchema, env).SAGAFLOW_SAGA_STUCK_AFTER ?? { byType: {} };
  const unknown = Object.keys(settings.byType).filter((type) => !sagaTypes.includes(type));
  if (unknown.length > 0) {
    throw new ConfigError([`SAGAFLOW_SAGA_STUCK_AFTER: ${unknown.map((type) => JSON.stringify(type)).join(', ')} ${unknown.length === 1 ? 'is not a saga type' : 'are not saga types'} of this deployment, whose saga types are ${sagaTypes.join(', ')}`]);
  }
  return settings;
}

/**
 * OTEL_EXPORTER_OTLP_ENDPOINT: the OTLP/HTTP collector the workers and sagaflow's clients send
 * traces to (`/v1/traces` is appended, as the OpenTelemetry spec says); unset, nothing is traced.
 */
const tracingSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .string()
    .refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), {
      message: 'must be an http:// or https:// URL of an OTLP/HTTP collector, e.g. http://localhost:4318',
    })
    .optional(),
});

/** The OTLP endpoint traces are exported to, when OTEL_EXPORTER_OTLP_ENDPOINT sets one: tracing is off without it. */
export function loadTracingConfig(env: NodeJS.ProcessEnv = loadDotEnv()): { otlpEndpoint?: string } {
  const { OTEL_EXPORTER_OTLP_ENDPOINT } = parseEnv(tracingSchema, env);
  return OTEL_EXPORTER_OTLP_ENDPOINT ? { otlpEndpoint: OTEL_EXPORTER_OTLP_ENDPOINT } : {};
}

/** Blank variables count as unset; a failure lists every wrong variable with its rule. */
function parseEnv<Schema extends z.ZodObject>(schema: Schema, env: NodeJS.ProcessEnv): z.output<Schema> {
  const values = Object.fromEntries(
    Object.keys(schema.shape).map((key) => {
      const value = env[key];
      return [key, value === undefined || value.trim() === '' ? undefined : value];
    }),
  );
  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
