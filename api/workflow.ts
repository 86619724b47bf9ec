/**
 * `sagaflow/workflow`: what a saga's workflow module imports. It runs in Temporal's deterministic
 * sandbox and is bundled by the Temporal bundler, so everything re-exported here is free of Node
 * APIs, of pg and of activity code (the sandbox lint rule holds this file to that).
 *
 * @module sagaflow/workflow
 */
export {
  StepSaga,
  STEP_ENGINE_PATCH,
  SAGA_STATUSES,
  SAGA_OUTCOMES,
  stepActivityType,
  SAGA_EVENTS,
  SAGA_EVENT_TYPES,
  webUiMarkdown,
  type ParallelStep,
  type SagaEventTypes,
  type SagaFailure,
  type SagaOutcome,
  type SagaResult,
  type SagaState,
  type SagaStatus,
  type StepOptions,
  type StepSagaOptions,
  type StepState,
  type Undo,
} from '../src/saga';
export { dollarsToCents, formatMoney } from '../src/contracts/money';
