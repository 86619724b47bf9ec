/**
 * `sagaflow/testing`: what an app's own tests need: real PostgreSQL and Temporal started for the run
 * (startTestServices), and the replay check that recorded histories still replay (replayHistories).
 *
 * @module sagaflow/testing
 */
export { startTestServices, type TestServices, type TestServicesOptions } from '../src/testing/testServices';
export { bundleCompositionWorkflows, replayHistories, ReplayMismatchError, type ReplayFailure } from '../src/testing/replay';
