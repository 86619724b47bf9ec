import type { Command } from 'commander';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';
import type { CliIo } from '../cli/output';
import { ContractRegistry } from '../eventstore/contracts';
import { SagaflowError } from '../errors';
import { sagaEventContracts } from '../contracts/sagaEvents';
import { SubjectForgotten } from '../eventstore/personalData/forgetSubject';
import type { Projection } from '../projections';
import { sagaOutcomesProjection } from '../read-models/sagaOutcomes';
import { retentionOf, type StreamTypeRetention } from '../retention/streamTypeRetention';
import { sagaSearchAttributes } from '../saga/searchAttributes';
import { stepActivityType } from '../saga/stepSaga';
import type { ActivitySource } from './registerActivities';
import type { ProcessDeps, SagaProcess, Scenario } from './sagaProcess';

/** Two processes (or a process and the engine) claim one name: refused at start, naming both owners. */
export class ProcessCollisionError extends SagaflowError {
  override name = 'ProcessCollisionError';
  constructor(
    readonly kind: string,
    readonly value: string,
    readonly owners: [string, string],
  ) {
    super(`${kind} ${value} is declared by both ${owners[0]} and ${owners[1]}: rename one of them`);
  }
}

/** What the workers, the CLI and the tools run: every process of the deployment, checked for collisions. */
export interface Composition {
  processes: readonly SagaProcess[];
  /** Every event contract, with the upcasters between versions. */
  contracts: ContractRegistry;
  /** SagaStatus and every process's own search attributes: what the Temporal namespace must know. */
  searchAttributes: readonly SearchAttributeKey<'KEYWORD'>[];
  readModels: readonly Projection[];
  /** Every process's stream type with its declared retention. */
  retention: readonly StreamTypeRetention[];
  /** The modules whose exports are the worker's workflows. */
  workflowModules: readonly string[];
  /** Every process's activities under their registered names, by owner, built over the worker's dependencies (see registerActivities). */
  activitySources(deps: ProcessDeps): ActivitySource[];
  /** Adds every process's commands to the `sagaflow` CLI. */
  registerCli(program: Command, io: CliIo): void;
  /** The operations of every process's simulated services: the names fault plans may use. */
  simulatedOperations: readonly string[];
  /** Every process's replay scenarios, named `<sagaType>/<scenario>`. */
  scenarios: ReadonlyArray<{ sagaType: string; scenario: Scenario }>;
}

/** The owner of the engine's own names (saga events, SagaStatus, saga_outcomes), as errors and the events reference name it. */
export const ENGINE_OWNER = 'the saga engine';

/** How errors and the events reference name a process as the owner of its names. */
export function processOwner(process: Pick<SagaProcess, 'sagaType'>): string {
  return `process ${process.sagaType}`;
}

/** Owners by name, refusing a name a second owner claims. */
class Claims {
  private readonly owners = new Map<string, string>();
  constructor(private readonly kind: string) {}
  claim(value: string, owner: string): void {
    const first = this.owners.get(value);
    if (first !== undefined) throw new ProcessCollisionError(this.kind, value, [first, owner]);
    this.owners.set(value, owner);
  }
}

/**
 * Composes the deployment from its processes: one contract registry, one list of search attributes,
 * read models and workflow modules, one activity table and one CLI. Names that two owners claim
 * (saga types, workflow types, activities, event types, search attributes, stream prefixes, read
 * models) are refused here, at start, naming both owners, instead of one silently shadowing the other.
 *
 * `workflowTypes` lists each process's exported workflow functions (read from its workflow module
 * by default).
 */
export function composeProcesses(processes: readonly SagaProcess[], { workflowTypes = exportedFunctions }: { workflowTypes?: (modulePath: string) => string[] } = {}): Composition {
  const sagaTypes = new Claims('saga type');
  const workflows = new Claims('workflow type');
  const eventTypes = new Claims('event type');
  const attributes = new Claims('search attribute');
  const models = new Claims('read model');
  const engine = ENGINE_OWNER;
  for (const attribute of sagaSearchAttributes) attributes.claim(attribute.name, engine);
  for (const contract of [...sagaEventContracts, SubjectForgotten]) eventTypes.claim(contract.type, engine);
  const sagaOutcomes = sagaOutcomesProjection(processes);
  models.claim(sagaOutcomes.name, engine);
  const prefixes: Array<{ prefix: string; owner: string }> = [];

  for (const process of processes) {
    const owner = processOwner(process);
    sagaTypes.claim(process.sagaType, owner);
    for (const type of workflowTypes(process.workflowsPath)) workflows.claim(type, owner);
    // One type may come at several versions, all of one process.
    for (const type of new Set(process.contracts.map((c) => c.type))) eventTypes.claim(type, owner);
    for (const attribute of process.searchAttributes) attributes.claim(attribute.name, owner);
    for (const model of process.readModels ?? []) models.claim(model.name, owner);
    // One stream prefix inside another would let one process's streams pass for the other's.
    const clash = prefixes.find(({ prefix }) => prefix.startsWith(process.streamPrefix) || process.streamPrefix.startsWith(prefix));
    if (clash) throw new ProcessCollisionError('stream prefix', `${clash.prefix} / ${process.streamPrefix}`, [clash.owner, owner]);
    prefixes.push({ prefix: process.streamPrefix, owner });
  }
  // Checked here, at start, like the names: a retention nobody could follow is refused before any run.
  const retention = retentionOf(processes);
  const contracts = new ContractRegistry(
    [...sagaEventContracts, SubjectForgotten, ...processes.flatMap((p) => p.contracts)],
    processes.flatMap((p) => p.upcasters ?? []),
  );

  return {
    processes,
    contracts,
    searchAttributes: [...sagaSearchAttributes, ...processes.flatMap((p) => p.searchAttributes)],
    readModels: [...processes.flatMap((p) => p.readModels ?? []), sagaOutcomes],
    retention,
    workflowModules: processes.map((p) => p.workflowsPath),
    activitySources(deps) {
      return processes.flatMap((process): ActivitySource[] => {
        const owner = processOwner(process);
        const steps = Object.entries(process.steps(deps)).map(([step, fn]) => [stepActivityType(process.sagaType, step), fn] as const);
        const own = process.activities?.(deps);
        return [{ owner, activities: Object.fromEntries(steps) }, ...(own ? [{ owner: `${owner} (activities under their own names)`, activities: own }] : [])];
      });
    },
    registerCli(program, io) {
      for (const process of processes) process.cli?.(program, io);
    },
    // Processes may share a simulated service, so an operation may be listed by more than one.
    simulatedOperations: [...new Set(processes.flatMap((p) => p.simulatedOperations ?? []))],
    scenarios: processes.flatMap((p) => (p.scenarios ?? []).map((scenario) => ({ sagaType: p.sagaType, scenario }))),
  };
}

/** The names of the functions a workflow module exports: its workflow types. */
function exportedFunctions(modulePath: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is named at run time by its process
  const exported = require(modulePath) as Record<string, unknown>;
  return Object.entries(exported)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name);
}
