export { Saga, type NamedStep, type SagaOptions, type StepDefinition } from './saga';
export { BUSINESS_REJECTION, failureTypeOf, messageOf } from './failures';
export { resolveCompensationSignal, retryCompensationSignal, sagaStateQuery } from './handlers';
export { SagaStatusKey, sagaSearchAttributes } from './searchAttributes';
export * from './types';
export { compensationRetry, fastRetry, stepRetry } from './retryPolicies';
export { WorkflowEventStream, type AppendedEvent, type EventSlot } from './eventStream';
export { proxySagaActivities, type SagaActivityProxies } from './activityProxies';
export { recordCompensationEvents, type CompensationEventTypes } from './compensationEvents';
