import { isDeepStrictEqual } from 'node:util';
import type { CatalogEvent, EventCatalog } from './catalog';
import { REFINEMENTS_KEYWORD, type JsonSchema } from './jsonSchema';

/** One way the current contracts break the published catalog: which (type, version), what changed, what to do. */
export interface CompatibilityProblem {
  type: string;
  version: number;
  change: string;
  fix: string;
}

export function formatProblem({ type, version, change, fix }: CompatibilityProblem): string {
  return `${type} v${version}: ${change}. ${fix}`;
}

/**
 * Checks the current contracts against the published catalog (COMPATIBILITY_POLICY): every
 * published (type, version) must still exist with the same schema but for added optional fields and
 * reworded descriptions, and every type's versions must be linked by upcasters up to the latest. A
 * type or version the published catalog does not hold is new and may be anything.
 */
export function checkCompatibility(published: EventCatalog, current: EventCatalog): CompatibilityProblem[] {
  const problems: CompatibilityProblem[] = [];
  const currentByType = new Map(current.events.map((event) => [event.type, event]));
  const moduleOf = (owner: string) => [...current.owners, ...published.owners].find((o) => o.owner === owner)?.module ?? owner;

  for (const was of published.events) {
    const now = currentByType.get(was.type);
    for (const { version, schema } of was.versions) {
      if (!now) {
        problems.push({
          type: was.type,
          version,
          change: `the type is gone from the contracts (it was ${was.owner}'s)`,
          fix: `Stored ${was.type} events are still read: keep every version of its contract in ${moduleOf(was.owner)}, even when nothing writes it any more.`,
        });
        continue;
      }
      const nowVersion = now.versions.find((v) => v.version === version);
      if (!nowVersion) {
        problems.push({
          type: was.type,
          version,
          change: `v${version} is gone from the contracts`,
          fix: `Stored ${was.type} v${version} events are read through it: restore it in ${moduleOf(now.owner)}.`,
        });
        continue;
      }
      for (const difference of schemaDifferences(schema, nowVersion.schema)) {
        problems.push({ type: was.type, version, change: difference.change, fix: fixFor(difference, was.type, version, now) });
      }
    }
  }

  for (const event of current.events) {
    for (const link of event.upcasters) {
      if (link.name !== null) continue;
      problems.push({
        type: event.type,
        version: link.fromVersion,
        change: `no upcaster from v${link.fromVersion} to v${link.toVersion}`,
        fix:
          `Stored v${link.fromVersion} events could not be read as v${event.latestVersion}: add defineUpcaster({ name: '${lowerFirst(event.type)}V${link.fromVersion}ToV${link.toVersion}', ` +
          `type: '${event.type}', fromVersion: ${link.fromVersion}, up }) to the upcasters of ${event.owner} (${moduleOf(event.owner)}).`,
      });
    }
  }
  return problems;
}

type DifferenceKind = 'added-required' | 'other';

interface SchemaDifference {
  kind: DifferenceKind;
  change: string;
}

function fixFor(difference: SchemaDifference, type: string, version: number, now: CatalogEvent): string {
  const next = now.latestVersion + 1;
  const newShape = `add the new shape as ${type} v${next} with an upcaster from v${now.latestVersion}`;
  if (version < now.latestVersion) {
    return `Restore ${type} v${version} as published: stored v${version} events are read through it; change the newest version instead (${newShape} if v${now.latestVersion} is published too).`;
  }
  if (difference.kind === 'added-required') return `Make the new field optional (.optional()), or ${newShape} that fills it in.`;
  return `Restore ${type} v${version} as published and ${newShape}.`;
}

/** Keywords that describe and do not constrain: rewording them is no change. Refinements are compared through the fixtures, not here. */
const ANNOTATIONS = new Set(['$schema', 'title', 'description', 'examples', REFINEMENTS_KEYWORD]);

/** How `after` differs from `before` beyond what COMPATIBILITY_POLICY allows (added optional fields, annotations). */
export function schemaDifferences(before: JsonSchema, after: JsonSchema): SchemaDifference[] {
  const differences: SchemaDifference[] = [];
  compare(before, after, '', differences);
  return differences;
}

function compare(before: JsonSchema, after: JsonSchema, at: string, out: SchemaDifference[]): void {
  const where = at === '' ? 'the payload' : `field ${at}`;
  // A new type says it all: its rules (a string's length, a number's range) differ as a matter of course.
  if (!isDeepStrictEqual(before.type, after.type)) {
    out.push({ kind: 'other', change: `${where}: type ${show(before.type)} became ${show(after.type)}` });
    return;
  }
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((key) => !ANNOTATIONS.has(key) && key !== 'type'));

  if (keys.has('properties') || keys.has('required')) {
    keys.delete('properties');
    keys.delete('required');
    const was = (before.properties ?? {}) as Record<string, JsonSchema>;
    const now = (after.properties ?? {}) as Record<string, JsonSchema>;
    const wasRequired = new Set((before.required ?? []) as string[]);
    const nowRequired = new Set((after.required ?? []) as string[]);
    for (const [name, schema] of Object.entries(was)) {
      const field = `${at}${at === '' ? '' : '.'}${name}`;
      const nowSchema = now[name];
      if (!nowSchema) {
        out.push({ kind: 'other', change: `field ${field} was removed (or renamed)` });
        continue;
      }
      if (wasRequired.has(name) && !nowRequired.has(name)) out.push({ kind: 'other', change: `field ${field} was required and is now optional` });
      if (!wasRequired.has(name) && nowRequired.has(name)) out.push({ kind: 'other', change: `field ${field} was optional and is now required` });
      compare(schema, nowSchema, field, out);
    }
    for (const name of Object.keys(now)) {
      const field = `${at}${at === '' ? '' : '.'}${name}`;
      if (!(name in was) && nowRequired.has(name)) out.push({ kind: 'added-required', change: `new field ${field} is required` });
    }
  }

  for (const key of keys) {
    const was = before[key];
    const now = after[key];
    if (isDeepStrictEqual(was, now)) continue;
    if (key === 'items' && isSchema(was) && isSchema(now)) {
      compare(was, now, `${at}[]`, out);
    } else if (key === 'additionalProperties' && isSchema(was) && isSchema(now)) {
      compare(was, now, `${at}${at === '' ? '' : '.'}*`, out);
    } else if ((key === 'anyOf' || key === 'oneOf' || key === 'allOf') && Array.isArray(was) && Array.isArray(now) && was.length === now.length) {
      was.forEach((schema, i) => compare(schema as JsonSchema, now[i] as JsonSchema, `${at} (${key} #${i + 1})`, out));
    } else if (key === 'enum' && Array.isArray(was) && Array.isArray(now)) {
      const removed = was.filter((value) => !now.some((n) => isDeepStrictEqual(n, value)));
      const added = now.filter((value) => !was.some((w) => isDeepStrictEqual(w, value)));
      if (removed.length > 0) out.push({ kind: 'other', change: `${where}: enum narrowed, ${removed.map(show).join(', ')} no longer allowed` });
      if (added.length > 0) out.push({ kind: 'other', change: `${where}: enum widened with ${added.map(show).join(', ')}` });
    } else {
      out.push({ kind: 'other', change: `${where}: ${key} ${show(was)} became ${show(now)}` });
    }
  }
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? '(none)' : JSON.stringify(value);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
