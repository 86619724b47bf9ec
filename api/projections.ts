/**
 * `sagaflow/projections`: the projection engine (define, run, rebuild, verify read models) and the
 * helpers a process's read model folds its saga's facts with.
 *
 * @module sagaflow/projections
 */
export * from '../src/projections';
export { evolveSagaSummary, ProcessSagaFacts, sqlText, type SagaSummaryColumns } from '../src/read-models/sagaFacts';
export { foldStreamRows, type StreamRow, type StreamRowFold } from '../src/read-models/streamRows';
export { sagaOutcomesProjection, type SagaRunRow } from '../src/read-models';
