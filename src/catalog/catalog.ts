import path from 'node:path';
import { sagaEventContracts } from '../contracts/sagaEvents';
import type { EventContract, Upcaster } from '../eventstore/contracts';
import { ERASED_SUBJECT_STREAM_TYPE, SubjectForgotten } from '../eventstore/personalData/forgetSubject';
import { ENGINE_OWNER, processOwner } from '../process/composeProcesses';
import type { SagaProcess } from '../process/sagaProcess';
import { eventJsonSchema, type JsonSchema } from './jsonSchema';

export const CATALOG_FORMAT = 'sagaflow-event-catalog/1';

/**
 * The rule every published (type, version) follows; checkCompatibility enforces it. Strict on
 * purpose: loosening a rule (a longer text, a new enum value) keeps stored events valid but breaks
 * a reader that trusted the old bound, and one rule with one remedy is easier to follow than a list
 * of exceptions. A new version with an upcaster costs a few lines.
 */
export const COMPATIBILITY_POLICY =
  'A published (type, version) (every one in docs/events.catalog.json) never changes, except by adding optional fields or rewording ' +
  'descriptions: stored events of that version must keep parsing, and readers keep the shape they were written against. ' +
  'Any other change (a field removed, renamed or retyped, made required or optional, an enum or a rule changed) is a new version ' +
  'of the type, which writers write from then on, with an upcaster from the previous version so stored events are read in the new ' +
  'shape. A version is never edited in place or deleted, and a type nothing writes any more stays, because its stored events are still read.';

/** Every event type of a deployment, each version's JSON Schema, owner, stream and upcasters: what docs/events.* hold. */
export interface EventCatalog {
  format: typeof CATALOG_FORMAT;
  policy: string;
  owners: CatalogOwner[];
  events: CatalogEvent[];
}

export interface CatalogOwner {
  /** `the saga engine` or `process <SagaType>`, as collisions name them. */
  owner: string;
  /** Where its contracts live, from the repository root. */
  module: string;
  /** The stream type (`Order` of `Order-<id>`) its events are written to; null for the engine's, which go to every saga's stream. */
  streamType: string | null;
  /** The streams, in words: `Order-<id>`, or every process's. */
  streams: string;
}

export interface CatalogEvent {
  type: string;
  owner: string;
  /** The latest version's description. */
  description: string;
  latestVersion: number;
  /** Newest first. */
  versions: CatalogVersion[];
  /** From the oldest version up to the latest: how a stored older payload is read. A missing link is `name: null`. */
  upcasters: CatalogUpcaster[];
}

export interface CatalogVersion {
  version: number;
  description: string;
  schema: JsonSchema;
  /** Fields stored encrypted under their subject's key and erased when it is forgotten (README "Erasure"). */
  personal?: Array<{ subject: string; fields: string[] }>;
}

export interface CatalogUpcaster {
  fromVersion: number;
  toVersion: number;
  name: string | null;
}

/** One owner's contracts, as the catalog reads them. */
export interface ContractSource {
  owner: string;
  module: string;
  streamType: string | null;
  streams: string;
  contracts: readonly EventContract[];
  upcasters: readonly Upcaster[];
}

const REPOSITORY_ROOT = path.resolve(__dirname, '../..');

/** The catalog of a composition: the engine's saga events, then each process's events, in the composition's order. */
export function buildCatalog(composition: { processes: readonly SagaProcess[] }): EventCatalog {
  return catalogOf(contractSources(composition.processes));
}

/** The owners of a composition's contracts: the engine, then each process. */
export function contractSources(processes: readonly SagaProcess[]): ContractSource[] {
  const streamIds = processes.map((p) => `\`${p.streamPrefix}<id>\``);
  return [
    {
      owner: ENGINE_OWNER,
      module: 'src/contracts/sagaEvents.ts',
      streamType: null,
      streams: `every saga's own stream${streamIds.length > 0 ? ` (${streamIds.join(', ')})` : ''}`,
      contracts: sagaEventContracts,
      upcasters: [],
    },
    {
      owner: 'the event store',
      module: 'src/eventstore/personalData/forgetSubject.ts',
      streamType: ERASED_SUBJECT_STREAM_TYPE,
      streams: `\`${ERASED_SUBJECT_STREAM_TYPE}-<subject reference>\``,
      contracts: [SubjectForgotten],
      upcasters: [],
    },
    ...processes.map((process) => ({
      owner: processOwner(process),
      module: path.relative(REPOSITORY_ROOT, path.dirname(process.workflowsPath)).split(path.sep).join('/'),
      streamType: process.streamPrefix.replace(/-$/, ''),
      streams: `\`${process.streamPrefix}<id>\``,
      contracts: process.contracts,
      upcasters: process.upcasters ?? [],
    })),
  ];
}

/** The catalog of owners' contracts. Types keep the order their owner declares them in. */
export function catalogOf(sources: readonly ContractSource[]): EventCatalog {
  const events: CatalogEvent[] = [];
  for (const source of sources) {
    const byType = new Map<string, EventContract[]>();
    for (const contract of source.contracts) byType.set(contract.type, [...(byType.get(contract.type) ?? []), contract]);
    for (const [type, contracts] of byType) {
      const versions = [...contracts].sort((a, b) => b.version - a.version);
      const latest = versions[0]!;
      const upcasters: CatalogUpcaster[] = [];
      for (let v = 1; v < latest.version; v++) {
        const upcaster = source.upcasters.find((u) => u.type === type && u.fromVersion === v);
        upcasters.push({ fromVersion: v, toVersion: v + 1, name: upcaster?.name ?? null });
      }
      events.push({
        type,
        owner: source.owner,
        description: latest.description ?? '',
        latestVersion: latest.version,
        versions: versions.map((c) => ({
          version: c.version,
          description: c.description ?? '',
          schema: eventJsonSchema(c.schema),
          ...(c.personal ? { personal: c.personal.map(({ subject, fields }) => ({ subject, fields: [...fields] })) } : {}),
        })),
        upcasters,
      });
    }
  }
  return {
    format: CATALOG_FORMAT,
    policy: COMPATIBILITY_POLICY,
    owners: sources.map(({ owner, module, streamType, streams }) => ({ owner, module, streamType, streams })),
    events,
  };
}
