/**
 * `sagaflow/worker`: the activity and worker side. A process is declared (SagaProcess), its steps
 * written with done/rejected/nothingToUndo, processes composed (composeProcesses), and one worker
 * runs them all, each step's event appended in the same activity attempt as its effect.
 *
 * @module sagaflow/worker
 */
export { composeProcesses, ProcessCollisionError, type Composition } from '../src/process/composeProcesses';
export type { ProcessDeps, SagaProcess, Scenario, ScenarioContext } from '../src/process/sagaProcess';
export type { StreamFold } from '../src/cli/streamStates';
export { done, nothingToUndo, rejected, type StepActivity, type StepCall, type StepEvent, type StepOutcome, type UndoCall } from '../src/saga/stepOutcome';
export { cancellable } from '../activities/cancellable';
export { waitUntil } from '../src/process/waitUntil';
export { createSagaWorker, type SagaWorkerOptions } from '../workers/createSagaWorker';
export { compositionBundleOptions, type WorkflowBundleOptions, type WorkflowBundleSettings } from '../workers/compositionBundle';
export { migrate, type MigrationReport } from '../src/db/migrate';
export { connectTemporalWorker, createPool, reportLostConnections, type PoolOptions } from '../src/config/connections';
export { ConfigError, loadConfig, type SagaflowConfig } from '../src/config/env';
export { registerSearchAttributes } from '../src/infra/temporal';
