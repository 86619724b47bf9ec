import fs from 'node:fs';
import path from 'node:path';
import { composition } from '../../../processes';
import { contractSources } from '../../../src/catalog';

/**
 * A stored sample of every (type, version) — test/fixtures/events/<Type>.v<N>.json, a row as the
 * store holds it — must still parse with its version's contract and read as today's shape through
 * the registry's upcasters, the path every read takes (eventRows.ts). A refinement the catalog can
 * only describe in words is held here.
 */
const FIXTURES = path.join(__dirname, '../../fixtures/events');

interface StoredSample {
  event_type: string;
  schema_version: number;
  data: unknown;
}

const contracts = contractSources(composition.processes).flatMap((source) => source.contracts);
const fileOf = (type: string, version: number) => `${type}.v${version}.json`;
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as StoredSample;

describe('stored samples of every event version (test/fixtures/events)', () => {
  it('hold one sample for every contract version, and none for a version no contract has', () => {
    const expected = contracts.map((c) => fileOf(c.type, c.version)).sort();
    const present = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
    const missing = expected.filter((f) => !present.includes(f)).map((f) => `no stored sample ${f}: add one, a payload as writers of that version wrote it`);
    const orphans = present.filter((f) => !expected.includes(f)).map((f) => `${f} names no contract version: fix its name or remove it`);
    expect([...missing, ...orphans]).toEqual([]);
  });

  describe.each(contracts.map((c) => [`${c.type} v${c.version}`, c] as const))('%s', (_name, contract) => {
    const file = fileOf(contract.type, contract.version);
    const sample = () => read(file);

    it('is stored under its own type and version', () => {
      expect({ type: sample().event_type, version: sample().schema_version }).toEqual({ type: contract.type, version: contract.version });
    });

    it("parses with its version's contract", () => {
      const parsed = contract.schema.safeParse(sample().data);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    });

    it("upcasts to a payload today's contract accepts", () => {
      const { event_type, schema_version, data } = sample();
      const read = composition.contracts.upcast(event_type, schema_version, data);
      const latest = contracts.filter((c) => c.type === contract.type).sort((a, b) => b.version - a.version)[0]!;
      expect(read.schemaVersion).toBe(latest.version);
      const parsed = latest.schema.safeParse(read.data);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    });
  });
});
