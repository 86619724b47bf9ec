export { sagaOutcomesProjection, evolveSagaOutcome, type SagaOutcomeRow, type SagaOutcomeSource } from './sagaOutcomes';
export { ProcessSagaFacts } from './sagaFacts';
export { foldStreamRows, type StreamRow, type StreamRowFold } from './streamRows';
