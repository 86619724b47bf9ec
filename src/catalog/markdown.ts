import type { CatalogEvent, CatalogOwner, CatalogVersion, EventCatalog } from './catalog';
import { REFINEMENTS_KEYWORD, UNREPRESENTABLE_KEYWORD, type JsonSchema } from './jsonSchema';

/** The events reference for people (docs/events.md): contents by owner, then each type with its versions as field tables. */
export function renderEventsMarkdown(catalog: EventCatalog): string {
  const lines: string[] = [
    '<!-- Generated from the zod contracts by `npm run catalog:events`: edit the contracts, then regenerate. -->',
    '',
    '# Events reference',
    '',
    'Every event type sagaflow stores, each version of it, who owns it, which streams hold it and how a stored older',
    'version is read as the latest (its upcasters). Writers write the latest version; readers always receive it.',
    'The same catalog for machines, with each version\'s full JSON Schema (draft 2020-12), is',
    '[`events.catalog.json`](events.catalog.json).',
    '',
    '## Compatibility policy',
    '',
    catalog.policy,
    '',
    '`npm test` holds the contracts to it against the committed catalog, and to a stored sample of every version',
    '(`test/fixtures/events/<Type>.v<N>.json`) that must still parse and upcast to today\'s shape.',
    '',
    'What the schemas cannot show: a rule a contract checks in code (a zod refinement) is listed under the field\'s',
    `rules here and under \`${REFINEMENTS_KEYWORD}\` in the JSON Schema, in words; a validator of the JSON Schema alone`,
    'does not check it. Whole numbers are the exception: JSON Schema says `integer`.',
    '',
    '## Contents',
    '',
  ];
  for (const owner of catalog.owners) {
    const events = catalog.events.filter((event) => event.owner === owner.owner);
    if (events.length === 0) continue;
    lines.push(`- [${owner.owner}](#${anchor(owner.owner)}) (\`${owner.module}\`), in ${owner.streams}:`);
    lines.push(`  ${events.map((event) => `[${event.type}](#${anchor(event.type)})${event.latestVersion > 1 ? ` v1–${event.latestVersion}` : ''}`).join(', ')}`);
  }
  for (const owner of catalog.owners) {
    const events = catalog.events.filter((event) => event.owner === owner.owner);
    if (events.length === 0) continue;
    lines.push('', `## ${owner.owner}`, '', `Contracts in \`${owner.module}\`; written to ${owner.streams}.`);
    for (const event of events) lines.push('', ...renderEvent(event, owner));
  }
  return `${lines.join('\n')}\n`;
}

function renderEvent(event: CatalogEvent, owner: CatalogOwner): string[] {
  const lines = [`### ${event.type}`, '', event.description || '*(no description)*', ''];
  lines.push('| | |', '|---|---|');
  lines.push(`| owner | ${owner.owner} (\`${owner.module}\`) |`);
  lines.push(`| stream | ${owner.streamType === null ? owner.streams : `${owner.streams}, stream type \`${owner.streamType}\``} |`);
  lines.push(`| versions | ${event.versions.map((v) => v.version).sort((a, b) => a - b).join(', ')}; writers write v${event.latestVersion} |`);
  const chain = event.upcasters.map((u) => `v${u.fromVersion} → v${u.toVersion} ${u.name === null ? '**missing**' : `\`${u.name}\``}`);
  lines.push(`| upcasters | ${chain.length > 0 ? chain.join(', ') : 'none (one version)'} |`);
  for (const version of event.versions) lines.push('', ...renderVersion(event, version));
  return lines;
}

function renderVersion(event: CatalogEvent, version: CatalogVersion): string[] {
  const latest = version.version === event.latestVersion;
  const lines = [`#### ${event.type} v${version.version}${latest ? ' (latest)' : ''}`, ''];
  if (version.description && !(latest && version.description === event.description)) lines.push(version.description, '');
  const rows = fieldRows(version.schema, '');
  const ownRules = rulesOf(version.schema, { withDescription: false });
  if (ownRules.length > 0) lines.push(`Payload rules: ${ownRules.join('; ')}.`, '');
  if (rows.length === 0) {
    lines.push('No fields.');
    return lines;
  }
  lines.push('| field | type | required | rules |', '|---|---|---|---|');
  for (const row of rows) lines.push(`| ${cell(row.field)} | ${cell(row.type)} | ${row.required ? 'yes' : 'no'} | ${cell(row.rules)} |`);
  for (const { subject, fields } of version.personal ?? []) {
    const names = fields.map((field) => `\`${field}\``).join(', ');
    lines.push('', `Personal data: ${names}, stored encrypted under the key of the subject named by \`${subject}\`, and read as erased once that subject is forgotten.`);
  }
  return lines;
}

interface FieldRow {
  field: string;
  type: string;
  required: boolean;
  rules: string;
}

/** One row per field, nested objects and arrays of objects flattened to `a.b` and `items[].sku`. */
function fieldRows(schema: JsonSchema, prefix: string): FieldRow[] {
  const rows: FieldRow[] = [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  for (const [name, field] of Object.entries(properties)) {
    const path = `${prefix}${name}`;
    rows.push({ field: `\`${path}\``, type: typeOf(field), required: required.has(name), rules: rulesOf(field).join('; ') });
    rows.push(...nestedRows(field, path));
  }
  const extra = schema.additionalProperties;
  if (typeof extra === 'object' && extra !== null) {
    const other = extra as JsonSchema;
    rows.push({ field: `*any other field*${prefix ? ` of \`${prefix.replace(/\.$/, '')}\`` : ''}`, type: typeOf(other), required: false, rules: rulesOf(other).join('; ') });
  }
  return rows;
}

function nestedRows(field: JsonSchema, path: string): FieldRow[] {
  if (field.type === 'object') return fieldRows(field, `${path}.`);
  const items = field.items as JsonSchema | undefined;
  if (field.type === 'array' && items?.type === 'object') return fieldRows(items, `${path}[].`);
  return [];
}

function typeOf(schema: JsonSchema): string {
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) return alternatives.map(typeOf).join(' or ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return typeof schema.type === 'string' ? schema.type : 'enum';
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items as JsonSchema) : 'any'}`;
  if (Array.isArray(schema.type)) return schema.type.join(' or ');
  if (typeof schema.type === 'string') return schema.type;
  return 'any';
}

/** The constraints of one schema in words, its description first. */
function rulesOf(schema: JsonSchema, { withDescription = true } = {}): string[] {
  const rules: string[] = [];
  if (withDescription && typeof schema.description === 'string') rules.push(schema.description);
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) {
    for (const alternative of alternatives) {
      const own = rulesOf(alternative);
      if (own.length > 0) rules.push(`as ${typeOf(alternative)}: ${own.join(', ')}`);
    }
  }
  if (Array.isArray(schema.enum)) rules.push(`one of ${schema.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  const range = (min: unknown, max: unknown, units: string) => {
    const unit = (n: unknown) => (n === 1 ? units.replace(/s$/, '') : units);
    if (min !== undefined && max !== undefined) rules.push(min === max ? `exactly ${number(min)} ${unit(min)}` : `${number(min)} to ${number(max)} ${units}`);
    else if (min !== undefined) rules.push(`at least ${number(min)} ${unit(min)}`);
    else if (max !== undefined) rules.push(`at most ${number(max)} ${unit(max)}`);
  };
  range(schema.minLength, schema.maxLength, 'characters');
  if (typeof schema.pattern === 'string') rules.push(`matches \`${schema.pattern}\``);
  if (typeof schema.format === 'string') rules.push(`format ${schema.format}`);
  const lower = schema.minimum !== undefined ? `≥ ${number(schema.minimum)}` : schema.exclusiveMinimum !== undefined ? `> ${number(schema.exclusiveMinimum)}` : undefined;
  const upper = schema.maximum !== undefined ? `≤ ${number(schema.maximum)}` : schema.exclusiveMaximum !== undefined ? `< ${number(schema.exclusiveMaximum)}` : undefined;
  if (schema.minimum !== undefined && schema.maximum !== undefined) rules.push(`${number(schema.minimum)} to ${number(schema.maximum)}`);
  else if (lower || upper) rules.push([lower, upper].filter(Boolean).join(', '));
  range(schema.minItems, schema.maxItems, 'items');
  if (schema.additionalProperties === false) rules.push('no other fields');
  for (const rule of (schema[REFINEMENTS_KEYWORD] ?? []) as string[]) rules.push(`checked in code: ${rule}`);
  if (typeof schema[UNREPRESENTABLE_KEYWORD] === 'string') rules.push(`not expressible in JSON Schema (${schema[UNREPRESENTABLE_KEYWORD]})`);
  return rules;
}

function number(value: unknown): string {
  return value === Number.MAX_SAFE_INTEGER ? '2^53 − 1' : String(value);
}

/** A table cell: pipes escaped, so a pattern like `a|b` stays in its column. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** GitHub's heading anchor. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}
