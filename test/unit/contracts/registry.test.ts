import { z } from 'zod';
import { ContractRegistry, defineEvent, defineUpcaster, EventValidationError } from '../../../src/eventstore';

const V1 = defineEvent('ThingHappened', 1, z.object({ name: z.string() }));
const V2 = defineEvent('ThingHappened', 2, z.object({ name: z.string(), size: z.number().int() }));
const V3 = defineEvent('ThingHappened', 3, z.object({ label: z.string(), size: z.number().int() }));
const v1ToV2 = defineUpcaster({ name: 'thingV1ToV2', type: 'ThingHappened', fromVersion: 1, up: (d: { name: string }) => ({ ...d, size: 0 }) });
const v2ToV3 = defineUpcaster({
  name: 'thingV2ToV3',
  type: 'ThingHappened',
  fromVersion: 2,
  up: ({ name, size }: { name: string; size: number }) => ({ label: name, size }),
});

describe('ContractRegistry', () => {
  const registry = new ContractRegistry([V1, V2, V3], [v1ToV2, v2ToV3]);

  it('validates against the latest version and returns what to store', () => {
    expect(registry.validate('ThingHappened', { label: 'a', size: 2 }, 0)).toEqual({ schemaVersion: 3, data: { label: 'a', size: 2 } });
  });

  it('names the event, every failing field and its rule', () => {
    const attempt = () => registry.validate('ThingHappened', { label: 7, size: 1.5 }, 4, 'e-1');
    expect(attempt).toThrow(EventValidationError);
    expect(attempt).toThrow(/^event #4 \(ThingHappened e-1\) is invalid: data\.label: .*; data\.size: .*$/);
  });

  it('upcasts through the whole chain, one version at a time, and passes unknown types through', () => {
    expect(registry.upcast('ThingHappened', 1, { name: 'old' })).toEqual({ schemaVersion: 3, data: { label: 'old', size: 0 } });
    expect(registry.upcast('ThingHappened', 3, { label: 'new', size: 1 })).toEqual({ schemaVersion: 3, data: { label: 'new', size: 1 } });
    expect(registry.upcast('SomethingElse', 1, { x: 1 })).toEqual({ schemaVersion: 1, data: { x: 1 } });
  });

  it('refuses a registry with a hole in the upcaster chain or a duplicate version', () => {
    expect(() => new ContractRegistry([V1, V2, V3], [v1ToV2])).toThrow('contract ThingHappened: no upcaster from v2 to v3');
    expect(() => new ContractRegistry([V1, V1])).toThrow('contract ThingHappened v1 is defined twice');
  });
});
