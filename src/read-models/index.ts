export { sagaOutcomesProjection, evolveSagaRun, sagaFactsByType, type SagaRunRow, type SagaRunSource } from './sagaOutcomes';
export { ProcessSagaFacts } from './sagaFacts';
export { foldStreamRows, type StreamRow, type StreamRowFold } from './streamRows';
