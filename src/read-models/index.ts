export { sagaOutcomesProjection, evolveSagaRun, sagaFactsByType, type SagaRunRow, type SagaRunSource } from './sagaOutcomes';
export { ProcessSagaFacts } from './sagaFacts';
export { foldStreamRows, type StreamRow, type StreamRowFold } from './streamRows';
export { sagaStats, sagaDurationHistogram, stuckAfterResolver, DEFAULT_STUCK_AFTER_MS, type SagaTypeStats, type SagaStatsOptions, type DurationSummary } from './sagaStats';
export { registerSagaMetrics, SAGA_DURATION_BUCKETS } from './sagaMetrics';
