import { z } from 'zod';

const postgresUrl = z.string().refine(
  (value) => {
    try {
      return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  { message: 'must be a postgres:// or postgresql:// connection string' },
);

const hostPort = z.string().regex(/^[^\s:/]+:\d{1,5}$/, { message: 'must be host:port, e.g. localhost:7233' });

const envSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  TEMPORAL_ADDRESS: hostPort.optional(),
  TEMPORAL_NAMESPACE: z.string().min(1, { message: 'must not be empty' }).default('default'),
  SAGAFLOW_TASK_QUEUE: z.string().min(1, { message: 'must not be empty' }).default('sagaflow'),
  SAGAFLOW_WORKFLOW_BUNDLE: z.string().min(1).optional(),
});

export type SagaflowConfig = {
  /** Unset: the local stack starts an embedded PostgreSQL. */
  databaseUrl?: string;
  /** Unset: the local stack starts a Temporal dev server. */
  temporalAddress?: string;
  namespace: string;
  taskQueue: string;
  /** A prebuilt workflow bundle (bundleWorkflowCode output) the saga worker loads instead of bundling at start. */
  workflowBundlePath?: string;
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once, at start-up; every wrong variable is named with its rule. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): SagaflowConfig {
  const { DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, SAGAFLOW_TASK_QUEUE, SAGAFLOW_WORKFLOW_BUNDLE } = parseEnv(envSchema, env);
  return {
    ...(DATABASE_URL ? { databaseUrl: DATABASE_URL } : {}),
    ...(TEMPORAL_ADDRESS ? { temporalAddress: TEMPORAL_ADDRESS } : {}),
    namespace: TEMPORAL_NAMESPACE,
    taskQueue: SAGAFLOW_TASK_QUEUE,
    ...(SAGAFLOW_WORKFLOW_BUNDLE ? { workflowBundlePath: SAGAFLOW_WORKFLOW_BUNDLE } : {}),
  };
}

const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be a whole number' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });

const projectionWorkerSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  SAGAFLOW_METRICS_PORT: wholeNumber(0, 65535).default(9464),
  SAGAFLOW_PROJECTION_BATCH_SIZE: wholeNumber(1, 10_000).default(500),
  SAGAFLOW_PROJECTION_POLL_MS: wholeNumber(10, 600_000).default(1_000),
});

export type ProjectionWorkerConfig = {
  /** Unset: the local dev stack's PostgreSQL (started if it is not running). */
  databaseUrl?: string;
  /** Port of the worker's /metrics and /healthz (0: any free port). */
  metricsPort: number;
  /** Events per projection transaction. */
  batchSize: number;
  /** How often to look for events and for projections to take over when no notification arrives. */
  pollIntervalMs: number;
};

/** The projection worker's environment, validated like `loadConfig`'s. */
export function loadProjectionWorkerConfig(env: NodeJS.ProcessEnv = process.env): ProjectionWorkerConfig {
  const { DATABASE_URL, SAGAFLOW_METRICS_PORT, SAGAFLOW_PROJECTION_BATCH_SIZE, SAGAFLOW_PROJECTION_POLL_MS } = parseEnv(projectionWorkerSchema, env);
  return {
    ...(DATABASE_URL ? { databaseUrl: DATABASE_URL } : {}),
    metricsPort: SAGAFLOW_METRICS_PORT,
    batchSize: SAGAFLOW_PROJECTION_BATCH_SIZE,
    pollIntervalMs: SAGAFLOW_PROJECTION_POLL_MS,
  };
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
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
