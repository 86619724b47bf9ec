import { Option, type Command } from 'commander';
import { parseInput, loadConfig } from '../../api/client';
import { printJson, processIo, type CliIo, businessKeyArg, positiveInteger, readJsonFile, formatSagaRuns, formatSagaState, notFound, requireRunning, withTemporal, type CliTemporal } from '../../api/cli';
import { SAGA_STATUSES, type SagaStatus } from '../../api/workflow';
import { createTripClient, type TripClient } from './client';
import { TripInputSchema } from './contracts';
import { tripWorkflowId } from './workflow';

/** `sagaflow trips start|status|cancel|list`, with the conventions of `sagaflow orders` (exit 1 for a failed check, 2 for bad usage). */
export function registerTripsCommands(program: Command, io: CliIo = processIo): void {
  const trips = program.command('trips').description('Start, inspect, list and cancel trip booking sagas');
  const withTrips = <T>(work: (client: TripClient, temporal: CliTemporal) => Promise<T>) => {
    const config = loadConfig();
    return withTemporal(config, (temporal) => work(createTripClient({ client: temporal.client, taskQueue: config.taskQueue }), temporal));
  };

  trips
    .command('start')
    .description('Start the saga for a trip from a JSON file; a trip id started before returns its run')
    .requiredOption(
      '-f, --file <trip.json>',
      'the trip as JSON: { tripId, customerId, flight: { from, to, priceCents }, hotel: { city, nights, priceCents }, car: { city, days, priceCents }, currency }',
    )
    .option('--json', 'print the started run as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow trips start --file trip.json --json')
    .action(async (options: { file: string; json?: boolean }) => {
      const trip = parseInput(TripInputSchema, 'trip', readJsonFile(options.file));
      const started = await withTrips((client) => client.startTrip(trip));
      if (options.json) return printJson(io, started);
      io.stdout(
        started.started
          ? `started trip ${started.tripId}: workflow ${started.workflowId}, run ${started.runId}\n`
          : `trip ${started.tripId} was started before: workflow ${started.workflowId}, run ${started.runId}; nothing new started\n`,
      );
    });

  trips
    .command('status')
    .description("A trip saga's status and step table, from its sagaState query")
    .argument('<tripId>', 'the trip id', businessKeyArg('tripId'))
    .option('--json', 'print the saga state as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow trips status t-42')
    .action(async (tripId: string, options: { json?: boolean }) => {
      const workflowId = tripWorkflowId(tripId);
      const state = await withTrips(async (client, temporal) => {
        try {
          return await client.getTripState(tripId);
        } catch (error) {
          throw notFound(error, workflowId, `trip ${tripId}`, temporal.namespace);
        }
      });
      if (options.json) return printJson(io, { tripId, workflowId, ...state });
      io.stdout(formatSagaState(`trip ${tripId} (workflow ${workflowId})`, state));
    });

  trips
    .command('cancel')
    .description('Ask a running trip saga to stop: it cancels what it booked, refunds what it charged, and ends as cancelled')
    .argument('<tripId>', 'the trip id', businessKeyArg('tripId'))
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow trips cancel t-42')
    .action(async (tripId: string, options: { json?: boolean }) => {
      const workflowId = tripWorkflowId(tripId);
      await withTrips(async (client, temporal) => {
        await requireRunning(temporal.client, workflowId, `trip ${tripId}`);
        await client.cancelTrip(tripId);
      });
      if (options.json) return printJson(io, { tripId, workflowId, cancelRequested: true });
      io.stdout(`cancellation requested for trip ${tripId} (workflow ${workflowId}): it undoes what it did, then ends as cancelled\n`);
    });

  trips
    .command('list')
    .description('Trip sagas, newest first, from Temporal visibility')
    .addOption(new Option('--status <status>', 'only runs with this saga status').choices(SAGA_STATUSES))
    .addOption(new Option('-n, --limit <count>', 'at most this many').default(20).argParser(positiveInteger('--limit')))
    .option('--json', 'print the runs as JSON')
    .addHelpText('after', '\nExample:\n  $ sagaflow trips list --status COMPENSATION_FAILED')
    .action(async (options: { status?: SagaStatus; limit: number; json?: boolean }) => {
      const runs = await withTrips((client) => client.listTrips({ limit: options.limit, ...(options.status ? { status: options.status } : {}) }));
      if (options.json) return printJson(io, runs);
      if (runs.length === 0) return io.stdout('no trips found\n');
      io.stdout(
        formatSagaRuns('TRIP', runs.map(({ tripId, ...run }) => ({ key: tripId, ...run }))),
      );
    });
}

