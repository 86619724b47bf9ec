import fs from 'node:fs';
import type { Command } from 'commander';
import { parseInput } from '../../src/client/errors';
import { formatSagaState } from '../../src/cli/commands/orders';
import { UsageError } from '../../src/cli/errors';
import { printJson, processIo, type CliIo } from '../../src/cli/output';
import { businessKeyArg } from '../../src/cli/parsers';
import { notFound } from '../../src/cli/sagaLookup';
import { withTemporal, type CliTemporal } from '../../src/cli/temporalConnection';
import { loadConfig } from '../../src/config/env';
import { createTripClient, type TripClient } from './client';
import { TripInputSchema } from './contracts';
import { tripWorkflowId } from './workflow';

/** `sagaflow trips start|status`, with the conventions of `sagaflow orders` (exit 1 for a failed check, 2 for bad usage). */
export function registerTripsCommands(program: Command, io: CliIo = processIo): void {
  const trips = program.command('trips').description('Start and inspect trip booking sagas');
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
}

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--file: ${file} must be JSON: ${(error as Error).message}`);
  }
}
