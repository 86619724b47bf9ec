/**
 * `sagaflow/client`: how app code starts, awaits, cancels, lists and operates the runs of any saga:
 * `sagaRuns` over a Temporal client, input validated at the boundary with `parseInput`.
 *
 * @module sagaflow/client
 */
export { createTemporalClient, InvalidInputError } from '../src/client';
export { issuesOf, parseInput } from '../src/client/errors';
export { sagaRuns, type ListFilter, type Resolution, type SagaRun, type SagaRunsOptions, type StartedRun } from '../src/client/sagaRuns';
export { connectTemporal, type TemporalSettings } from '../src/config/connections';
export { ConfigError, loadConfig, type SagaflowConfig } from '../src/config/env';
export { SAGA_STATUSES, type SagaState, type SagaStatus } from '../src/saga';
