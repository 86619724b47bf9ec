import type { z } from 'zod';
import { EventValidationError, type ValidationIssue } from './errors';
import type { PersonalDataCipher } from './personalData/cipher';
import { checkPersonalFields, type PersonalDeclaration, type PersonalFields } from './personalData/declaration';

/** One version of one event type's payload. */
export interface EventContract<Type extends string = string, Schema extends z.ZodType = z.ZodType> {
  type: Type;
  version: number;
  schema: Schema;
  /** One line on the fact this version records, for the events reference (docs/events.md). */
  description?: string;
  /** Fields stored encrypted under their subject's key, erased when the subject is forgotten: per subject. */
  personal?: readonly PersonalFields[];
}

/** The payload type a contract accepts. */
export type DataOf<C> = C extends { schema: z.ZodType<infer D> } ? D : never;

/** The events of a list of contracts as a discriminated union on `type` (list each type's latest version only). */
export type EventOf<C extends EventContract> = { [K in C as K['type']]: { type: K['type']; data: DataOf<K> } }[C['type']];

/** Turns a payload of `type` at `fromVersion` into the shape of `fromVersion + 1`. Pure and small. */
export interface Upcaster {
  name: string;
  type: string;
  fromVersion: number;
  up(data: unknown): unknown;
}

export function defineEvent<const Type extends string, Schema extends z.ZodType>(
  type: Type,
  version: number,
  schema: Schema,
  { description, personal }: { description?: string; personal?: PersonalDeclaration } = {},
): EventContract<Type, Schema> {
  return {
    type,
    version,
    schema,
    ...(description === undefined ? {} : { description }),
    ...(personal === undefined ? {} : { personal: checkPersonalFields(type, version, schema, personal) }),
  };
}

export function defineUpcaster<From, To>(upcaster: { name: string; type: string; fromVersion: number; up(data: From): To }): Upcaster {
  return upcaster;
}

/**
 * Every event type the store accepts, each with its versions. Writers always write the latest
 * version; readers always receive it, older rows passing through the chain of upcasters. Stored
 * rows are never rewritten.
 */
export class ContractRegistry {
  private readonly latest = new Map<string, EventContract>();
  private readonly upcasters = new Map<string, Upcaster>();
  /** Opens sealed personal fields on reads and seals them on appends; unset, they are written in plain. */
  private cipher: PersonalDataCipher | undefined;

  constructor(contracts: EventContract[], upcasters: Upcaster[] = []) {
    const versions = new Map<string, Set<number>>();
    for (const contract of contracts) {
      if (!Number.isInteger(contract.version) || contract.version < 1) {
        throw new Error(`contract ${contract.type}: version must be a positive integer, got ${contract.version}`);
      }
      const seen = versions.get(contract.type) ?? new Set<number>();
      if (seen.has(contract.version)) throw new Error(`contract ${contract.type} v${contract.version} is defined twice`);
      seen.add(contract.version);
      versions.set(contract.type, seen);
      const current = this.latest.get(contract.type);
      if (!current || current.version < contract.version) this.latest.set(contract.type, contract);
    }
    for (const upcaster of upcasters) {
      const key = `${upcaster.type}@${upcaster.fromVersion}`;
      if (this.upcasters.has(key)) throw new Error(`two upcasters from ${upcaster.type} v${upcaster.fromVersion}`);
      this.upcasters.set(key, upcaster);
    }
    // A reader must be able to bring every stored version up to the latest: no holes in the chain.
    for (const [type, seen] of versions) {
      const latest = Math.max(...seen);
      for (let v = 1; v < latest; v++) {
        if (!this.upcasters.has(`${type}@${v}`)) {
          throw new Error(
            `contract ${type}: no upcaster from v${v} to v${v + 1}: add defineUpcaster({ type: '${type}', fromVersion: ${v}, … }) to its owner's upcasters, so stored v${v} events are read as v${v + 1}`,
          );
        }
      }
    }
  }

  /** The same contracts, with personal fields sealed and opened by this cipher. */
  withPersonalData(cipher: PersonalDataCipher): ContractRegistry {
    const copy = Object.create(ContractRegistry.prototype) as ContractRegistry;
    Object.assign(copy, this, { cipher });
    return copy;
  }

  get personalData(): PersonalDataCipher | undefined {
    return this.cipher;
  }

  /** The personal fields of the type's latest version, which writers write, per subject. */
  personalFieldsOf(type: string): readonly PersonalFields[] | undefined {
    return this.latest.get(type)?.personal;
  }

  types(): string[] {
    return [...this.latest.keys()].sort();
  }

  latestVersion(type: string): number | undefined {
    return this.latest.get(type)?.version;
  }

  /** Validates a payload against the latest contract of its type; returns what to store. */
  validate(type: string, data: unknown, eventIndex: number, eventId?: string): { schemaVersion: number; data: unknown } {
    const contract = this.latest.get(type);
    if (!contract) {
      throw new EventValidationError(eventIndex, type, [{ field: 'type', rule: `unknown event type; known types: ${this.types().join(', ')}` }], eventId);
    }
    const parsed = contract.schema.safeParse(data);
    if (!parsed.success) {
      const issues: ValidationIssue[] = parsed.error.issues.map((issue) => ({
        field: ['data', ...issue.path.map(String)].join('.'),
        rule: issue.message,
      }));
      throw new EventValidationError(eventIndex, type, issues, eventId);
    }
    return { schemaVersion: contract.version, data: parsed.data };
  }

  /** Brings a stored payload to the latest version of its type. Types this registry does not know pass through. */
  upcast(type: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
    const latest = this.latest.get(type)?.version;
    if (latest === undefined || schemaVersion >= latest) return { schemaVersion, data };
    let current = data;
    for (let v = schemaVersion; v < latest; v++) {
      current = this.upcasters.get(`${type}@${v}`)!.up(current);
    }
    return { schemaVersion: latest, data: current };
  }
}
