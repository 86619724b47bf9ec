import { z } from 'zod';
import { buildCatalog, catalogOf, eventJsonSchema, renderEventsMarkdown } from '../../../src/catalog';
import { composeProcesses } from '../../../src/process/composeProcesses';
import { defineEvent, defineUpcaster } from '../../../src/eventstore/contracts';
import { orderFulfillment } from '../../../processes/orderFulfillment';
import { cents } from '../../../src/contracts/fields';

describe('buildCatalog', () => {
  const catalog = buildCatalog(composeProcesses([orderFulfillment], { workflowTypes: () => [] }));

  it("lists the engine's saga events, then the event store's erasure record, then each process's, with owner, module and stream", () => {
    expect(catalog.owners).toEqual([
      { owner: 'the saga engine', module: 'src/contracts/sagaEvents.ts', streamType: null, streams: "every saga's own stream (`Order-<id>`)" },
      { owner: 'the event store', module: 'src/eventstore/personalData/forgetSubject.ts', streamType: 'ErasedSubject', streams: '`ErasedSubject-<subject reference>`' },
      { owner: 'process OrderFulfillment', module: 'processes/orderFulfillment', streamType: 'Order', streams: '`Order-<id>`' },
    ]);
    expect(catalog.events.find((e) => e.type === 'SagaFailed')?.owner).toBe('the saga engine');
  });

  it('gives each type its versions newest first and the upcaster chain from v1 to the latest', () => {
    const placed = catalog.events.find((e) => e.type === 'OrderPlaced')!;
    expect(placed.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(placed.latestVersion).toBe(2);
    expect(placed.upcasters).toEqual([{ fromVersion: 1, toVersion: 2, name: 'orderPlacedV1ToV2' }]);
    expect(placed.description).toBe(placed.versions[0]!.description);
  });

  it('names the personal fields of a version and their subject, in the JSON and in words', () => {
    const placed = catalog.events.find((e) => e.type === 'OrderPlaced')!;
    expect(placed.versions.map((v) => v.personal)).toEqual([[{ subject: 'customerId', fields: ['customerId'] }], [{ subject: 'customerId', fields: ['customerId'] }]]);
    expect(catalog.events.find((e) => e.type === 'InventoryReserved')!.versions[0]!.personal).toBeUndefined();
    expect(renderEventsMarkdown(catalog)).toContain(
      'Personal data: `customerId`, stored encrypted under the key of the subject named by `customerId`, and read as erased once that subject is forgotten.',
    );
  });

  it('marks a missing link of the chain instead of failing, so the compatibility check can name it', () => {
    const v1 = defineEvent('ThingDone', 1, z.object({ a: z.string() }));
    const v3 = defineEvent('ThingDone', 3, z.object({ a: z.string() }));
    const up = defineUpcaster({ name: 'thingDoneV1ToV2', type: 'ThingDone', fromVersion: 1, up: (d: unknown) => d });
    const [event] = catalogOf([{ owner: 'process T', module: 'processes/t', streamType: 'T', streams: '`T-<id>`', contracts: [v1, v3], upcasters: [up] }]).events;
    expect(event!.upcasters).toEqual([
      { fromVersion: 1, toVersion: 2, name: 'thingDoneV1ToV2' },
      { fromVersion: 2, toVersion: 3, name: null },
    ]);
  });
});

describe('eventJsonSchema', () => {
  it('says integer for the whole-number refinement, and lists every other refinement in words', () => {
    const schema = eventJsonSchema(
      z.object({
        amountCents: cents,
        code: z.string().refine((s) => s === s.toUpperCase(), { message: 'must be upper case' }),
        other: z.string().superRefine(() => undefined),
      }),
    );
    const properties = schema.properties as Record<string, Record<string, unknown>>;
    expect(properties.amountCents).toMatchObject({ type: 'integer', minimum: 0 });
    expect(properties.amountCents).not.toHaveProperty('x-refinements');
    expect(properties.code).toMatchObject({ type: 'string', 'x-refinements': ['must be upper case'] });
    expect(properties.other).toMatchObject({ 'x-refinements': ['a rule without words of its own: see the contract'] });
  });

  it('marks what JSON Schema has no form for instead of failing', () => {
    expect(eventJsonSchema(z.object({ at: z.date() })).properties).toEqual({ at: { 'x-unrepresentable': expect.any(String) } });
  });
});

describe('renderEventsMarkdown', () => {
  const catalog = catalogOf([
    {
      owner: 'process Widget',
      module: 'processes/widget',
      streamType: 'Widget',
      streams: '`Widget-<id>`',
      contracts: [
        defineEvent(
          'WidgetMade',
          1,
          z.object({ widgetId: z.string().min(1).max(200), code: z.string().regex(/^(a|b)$/).optional(), parts: z.array(z.object({ sku: z.string().describe('stock unit') })).min(1) }),
          { description: 'A widget was made.' },
        ),
      ],
      upcasters: [],
    },
  ]);
  const markdown = renderEventsMarkdown(catalog);

  it('shows each version as a field table, nested fields flattened, pipes escaped', () => {
    expect(markdown).toContain(
      [
        '| field | type | required | rules |',
        '|---|---|---|---|',
        '| `widgetId` | string | yes | 1 to 200 characters |',
        '| `code` | string | no | matches `^(a\\|b)$` |',
        '| `parts` | array of object | yes | at least 1 item |',
        '| `parts[].sku` | string | yes | stock unit |',
      ].join('\n'),
    );
  });

  it('links every type from the contents under its owner, and states the policy', () => {
    expect(markdown).toContain('- [process Widget](#process-widget) (`processes/widget`), in `Widget-<id>`:\n  [WidgetMade](#widgetmade)');
    expect(markdown).toContain('## Compatibility policy');
    expect(markdown).toContain('| upcasters | none (one version) |');
  });
});
