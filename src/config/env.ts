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
  const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);
  const parsed = envSchema.safeParse({
    DATABASE_URL: blankToUndefined(env.DATABASE_URL),
    TEMPORAL_ADDRESS: blankToUndefined(env.TEMPORAL_ADDRESS),
    TEMPORAL_NAMESPACE: blankToUndefined(env.TEMPORAL_NAMESPACE),
    SAGAFLOW_TASK_QUEUE: blankToUndefined(env.SAGAFLOW_TASK_QUEUE),
    SAGAFLOW_WORKFLOW_BUNDLE: blankToUndefined(env.SAGAFLOW_WORKFLOW_BUNDLE),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const { DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, SAGAFLOW_TASK_QUEUE, SAGAFLOW_WORKFLOW_BUNDLE } = parsed.data;
  return {
    ...(DATABASE_URL ? { databaseUrl: DATABASE_URL } : {}),
    ...(TEMPORAL_ADDRESS ? { temporalAddress: TEMPORAL_ADDRESS } : {}),
    namespace: TEMPORAL_NAMESPACE,
    taskQueue: SAGAFLOW_TASK_QUEUE,
    ...(SAGAFLOW_WORKFLOW_BUNDLE ? { workflowBundlePath: SAGAFLOW_WORKFLOW_BUNDLE } : {}),
  };
}
