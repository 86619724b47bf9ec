import type { Client } from '@temporalio/client';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import type { Command } from 'commander';
import type pg from 'pg';
import type { SimulatedFaults } from '../adapters/simulatedFaults';
import type { CliIo } from '../cli/output';
import type { AnyStreamFold } from '../cli/streamStates';
import type { EventContract, Upcaster } from '../eventstore/contracts';
import type { EventStore } from '../eventstore';
import type { Projection } from '../projections';
import type { RetentionPolicy } from '../retention/retentionPolicy';
import type { SagaEventTypes } from '../saga/sagaEvents';

type ActivityFunction = (...args: never[]) => Promise<unknown>;

/** What a process's activities are built over. */
export interface ProcessDeps {
  pool: pg.Pool;
  store: EventStore;
}

/** What a replay scenario drives its run with. */
export interface ScenarioContext {
  client: Client;
  /** The task queue the recording worker serves. */
  taskQueue: string;
  /** The database of the recording stack: to open accounts and the like. */
  pool: pg.Pool;
  /** The simulated services' fault plans, for every operation of the deployment. */
  faults: SimulatedFaults;
}

/** One way a saga can end, driven against a real worker so its history can be recorded for the replay suite. */
export interface Scenario {
  /** Becomes part of the business key, so the file name (the workflow id) says what it holds. */
  name: string;
  /** Starts the run and drives it to its end (signals, cancellation); returns its workflow id. */
  run(context: ScenarioContext, businessKey: string): Promise<string>;
}

/**
 * A business process, declared in its own files: everything sagaflow's workers, CLI and tools need
 * to run it. The list of them is processes/index.ts, the one composition root.
 */
export interface SagaProcess {
  /** The saga type (`TripBooking`): names the process in errors, its step activities (`<sagaType>.<step>`) and its runs. */
  sagaType: string;
  /** The module exporting its workflow functions (the worker bundles it); sandbox-safe code only. */
  workflowsPath: string;
  /** The prefix of every stream its runs write (`Trip-`). */
  streamPrefix: string;
  /** Its event contracts and the upcasters between their versions. */
  contracts: readonly EventContract[];
  upcasters?: readonly Upcaster[];
  /**
   * The types its runs recorded their saga-level facts under before the engine's saga events
   * (SagaCompleted, …), if it has runs that old: the read models that follow every saga read them
   * too. A new process leaves it out.
   */
  legacySagaEvents?: SagaEventTypes;
  /** The search attributes its runs carry besides SagaStatus; registered with the Temporal namespace. */
  searchAttributes: readonly SearchAttributeKey<'KEYWORD'>[];
  /** Its step activities, registered as `<sagaType>.<step>` and answered through the step recorder. */
  steps: (deps: ProcessDeps) => Record<string, ActivityFunction>;
  /** Activities under names of their own (those runs started before the step engine still call). */
  activities?: (deps: ProcessDeps) => Record<string, ActivityFunction>;
  /** The operations of the simulated services its steps call (`reserveFlight`, …): the names its fault plans may use. */
  simulatedOperations?: readonly string[];
  /** Its read models, run by the projection worker. */
  readModels?: readonly Projection[];
  /**
   * How long its streams stay in the hot table (README "Retention and erasure"): `{ keep: 'forever' }`
   * (also when left out), or `{ archiveClosedAfterDays: N }` to move a run's stream to the archive N
   * days after the run ended. Decided when the process is written, checked when it is composed.
   */
  retention?: RetentionPolicy;
  /** How `sagaflow events state` folds one of its streams (its read model's row); the latest value of every field otherwise. */
  streamState?: AnyStreamFold;
  /** Adds its commands to the `sagaflow` CLI. */
  cli?: (program: Command, io: CliIo) => void;
  /** Its replay scenarios: every outcome, recorded by `npm run histories:record`. */
  scenarios?: readonly Scenario[];
}
