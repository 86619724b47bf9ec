import { z } from 'zod';
import { catalogOf, checkCompatibility, formatProblem, type EventCatalog } from '../../../src/catalog';
import { defineEvent, defineUpcaster, type EventContract, type Upcaster } from '../../../src/eventstore/contracts';

/** A one-process catalog over synthetic contracts: the published one (before) and today's (after). */
function catalog(contracts: EventContract[], upcasters: Upcaster[] = []): EventCatalog {
  return catalogOf([{ owner: 'process Widget', module: 'processes/widget', streamType: 'Widget', streams: '`Widget-<id>`', contracts, upcasters }]);
}

const item = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });
const made = (shape: z.ZodRawShape, description = 'A widget was made.') => defineEvent('WidgetMade', 1, z.object(shape), { description });
const base = { widgetId: z.string().min(1).max(200), color: z.enum(['red', 'blue']), items: z.array(item), note: z.string().optional() };
const published = catalog([made(base)]);

function problemsAfter(contracts: EventContract[], upcasters: Upcaster[] = []): string[] {
  return checkCompatibility(published, catalog(contracts, upcasters)).map(formatProblem);
}

describe('checkCompatibility', () => {
  describe('passes', () => {
    it('the same contracts', () => {
      expect(problemsAfter([made(base)])).toEqual([]);
    });

    it('an optional field added, at the top and inside an array item', () => {
      const items = z.array(item.extend({ giftWrapped: z.boolean().optional() }));
      expect(problemsAfter([made({ ...base, items, size: z.number().optional() })])).toEqual([]);
    });

    it('descriptions reworded, of the event and of a field', () => {
      expect(problemsAfter([made({ ...base, widgetId: base.widgetId.describe('the widget') }, 'A widget came off the line.')])).toEqual([]);
    });

    it('a brand-new type, and a new version of a published type with an upcaster from the previous one', () => {
      const v2 = defineEvent('WidgetMade', 2, z.object({ ...base, color: z.enum(['red', 'blue', 'green']) }));
      const up = defineUpcaster({ name: 'widgetMadeV1ToV2', type: 'WidgetMade', fromVersion: 1, up: (d: unknown) => d });
      const painted = defineEvent('WidgetPainted', 1, z.object({ widgetId: z.string() }));
      expect(problemsAfter([made(base), v2, painted], [up])).toEqual([]);
    });
  });

  describe('fails, saying what changed and what to do, when', () => {
    it('a field is removed or renamed', () => {
      const { note: _note, ...withoutNote } = base;
      expect(problemsAfter([made(withoutNote)])).toEqual([
        'WidgetMade v1: field note was removed (or renamed). Restore WidgetMade v1 as published and add the new shape as WidgetMade v2 with an upcaster from v1.',
      ]);
      const { widgetId: _id, ...rest } = base;
      expect(problemsAfter([made({ ...rest, widgetKey: base.widgetId })])).toEqual([
        'WidgetMade v1: field widgetId was removed (or renamed). Restore WidgetMade v1 as published and add the new shape as WidgetMade v2 with an upcaster from v1.',
        'WidgetMade v1: new field widgetKey is required. Make the new field optional (.optional()), or add the new shape as WidgetMade v2 with an upcaster from v1 that fills it in.',
      ]);
    });

    it("a field's type changes, also inside an array item", () => {
      expect(problemsAfter([made({ ...base, widgetId: z.number() })])).toEqual([
        expect.stringMatching(/^WidgetMade v1: field widgetId: type "string" became "number"\. Restore WidgetMade v1 as published and add the new shape as WidgetMade v2/),
      ]);
      expect(problemsAfter([made({ ...base, items: z.array(item.extend({ quantity: z.string() })) })])).toEqual([
        expect.stringMatching(/^WidgetMade v1: field items\[\]\.quantity: type "integer" became "string"\./),
      ]);
    });

    it('a field becomes required or optional', () => {
      expect(problemsAfter([made({ ...base, note: z.string() })])).toEqual([expect.stringMatching(/^WidgetMade v1: field note was optional and is now required\. Restore/)]);
      expect(problemsAfter([made({ ...base, widgetId: base.widgetId.optional() })])).toEqual([
        expect.stringMatching(/^WidgetMade v1: field widgetId was required and is now optional\. Restore/),
      ]);
    });

    it('a required field is added', () => {
      expect(problemsAfter([made({ ...base, size: z.number() })])).toEqual([
        'WidgetMade v1: new field size is required. Make the new field optional (.optional()), or add the new shape as WidgetMade v2 with an upcaster from v1 that fills it in.',
      ]);
    });

    it('an enum is narrowed, or widened', () => {
      expect(problemsAfter([made({ ...base, color: z.enum(['red']) })])).toEqual([expect.stringMatching(/^WidgetMade v1: field color: enum narrowed, "blue" no longer allowed\. Restore/)]);
      expect(problemsAfter([made({ ...base, color: z.enum(['red', 'blue', 'green']) })])).toEqual([expect.stringMatching(/^WidgetMade v1: field color: enum widened with "green"\./)]);
    });

    it('a rule changes', () => {
      expect(problemsAfter([made({ ...base, widgetId: z.string().min(1).max(100) })])).toEqual([expect.stringMatching(/^WidgetMade v1: field widgetId: maxLength 200 became 100\./)]);
    });

    it('a published version changes while a newer one exists: the old one is restored, not replaced', () => {
      const v2 = defineEvent('WidgetMade', 2, z.object(base));
      const up = defineUpcaster({ name: 'widgetMadeV1ToV2', type: 'WidgetMade', fromVersion: 1, up: (d: unknown) => d });
      expect(problemsAfter([made({ ...base, widgetId: z.number() }), v2], [up])).toEqual([
        expect.stringMatching(/^WidgetMade v1: field widgetId: type "string" became "number"\. Restore WidgetMade v1 as published: stored v1 events are read through it/),
      ]);
    });

    it('a published version or type is gone', () => {
      const v2 = defineEvent('WidgetMade', 2, z.object(base));
      const up = defineUpcaster({ name: 'widgetMadeV1ToV2', type: 'WidgetMade', fromVersion: 1, up: (d: unknown) => d });
      expect(problemsAfter([v2], [up])).toEqual(['WidgetMade v1: v1 is gone from the contracts. Stored WidgetMade v1 events are read through it: restore it in processes/widget.']);
      expect(problemsAfter([defineEvent('WidgetPainted', 1, z.object({}))])).toEqual([
        "WidgetMade v1: the type is gone from the contracts (it was process Widget's). Stored WidgetMade events are still read: keep every version of its contract in processes/widget, even when nothing writes it any more.",
      ]);
    });

    it('a new version comes without an upcaster from the previous one', () => {
      const v2 = defineEvent('WidgetMade', 2, z.object({ ...base, size: z.number() }));
      expect(problemsAfter([made(base), v2])).toEqual([
        "WidgetMade v1: no upcaster from v1 to v2. Stored v1 events could not be read as v2: add defineUpcaster({ name: 'widgetMadeV1ToV2', type: 'WidgetMade', fromVersion: 1, up }) to the upcasters of process Widget (processes/widget).",
      ]);
    });
  });
});
