/**
 * `sagaflow/cli`: what a process's own commands (`SagaProcess.cli`) are written with, and the
 * `sagaflow` program itself for an app that builds its command over its own composition.
 *
 * @module sagaflow/cli
 */
export { CliError, EXIT, UsageError } from '../src/cli/errors';
export { formatTable, printJson, processIo, type CliIo } from '../src/cli/output';
export { businessKeyArg, durationArg, positiveInteger, readJsonFile, sinceArg } from '../src/cli/parsers';
export { describeRun, formatSagaRuns, formatSagaState, notFound, requireRunning } from '../src/cli/sagaLookup';
export { withTemporal, type CliTemporal } from '../src/cli/temporalConnection';
export { createProgram } from '../src/cli/program';
export { runCli } from '../src/cli/runCli';
