import { z } from 'zod';

/** A JSON Schema (draft 2020-12) as plain JSON. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * The keyword under which a schema lists the rules its zod contract checks in code (`.refine`,
 * `.superRefine`) and JSON Schema cannot state: a validator of the JSON Schema alone accepts
 * payloads the contract refuses. An unknown keyword, so validators ignore it.
 */
export const REFINEMENTS_KEYWORD = 'x-refinements';
/** The keyword that marks a part of a contract JSON Schema has no form for (it then accepts anything). */
export const UNREPRESENTABLE_KEYWORD = 'x-unrepresentable';

/** What a refinement without a message of its own (and not named by the contract's meta) is listed as. */
const RULE_IN_CODE = 'a rule without words of its own: see the contract';

/**
 * The JSON Schema of an event payload: what a writer must send (zod's `input` side, so an object
 * that strips unknown fields does not claim to refuse them).
 *
 * zod leaves refinements out; here each one is listed under `x-refinements` with its message, except
 * `.refine(Number.isInteger)` (the shared whole-number fields, see src/contracts/fields.ts), which
 * JSON Schema can say exactly: `"type": "integer"`. A zod type with no JSON Schema form becomes `{}`
 * marked `x-unrepresentable` with zod's reason, instead of failing the whole catalog.
 */
export function eventJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: ({ message }) => ({ [UNREPRESENTABLE_KEYWORD]: message }),
    override: ({ zodSchema, jsonSchema }) => {
      const target = jsonSchema as JsonSchema;
      // A contract may name its refinements' rules itself (`.meta({ 'x-refinements': [...] })`): a
      // superRefine has no message to read them from.
      const declared = Array.isArray(target[REFINEMENTS_KEYWORD]) ? (target[REFINEMENTS_KEYWORD] as string[]) : [];
      const rules = [...declared];
      for (const check of zodSchema._zod.def.checks ?? []) {
        const def = check._zod.def as { check: string; fn?: unknown; error?: (issue: unknown) => unknown };
        if (def.check !== 'custom') continue;
        if (def.fn === Number.isInteger && target.type === 'number') {
          target.type = 'integer';
          continue;
        }
        const message = refinementMessage(def.error);
        if (message !== undefined && !rules.includes(message)) rules.push(message);
        if (message === undefined && declared.length === 0 && !rules.includes(RULE_IN_CODE)) rules.push(RULE_IN_CODE);
      }
      if (rules.length > 0) target[REFINEMENTS_KEYWORD] = rules;
    },
  });
}

/** The message a refinement reports, when it has one that does not depend on the value. */
function refinementMessage(error: ((issue: unknown) => unknown) | undefined): string | undefined {
  if (!error) return undefined;
  try {
    const result = error({ code: 'custom', input: undefined, path: [] });
    if (typeof result === 'string') return result;
    if (result && typeof result === 'object' && typeof (result as { message?: unknown }).message === 'string') return (result as { message: string }).message;
  } catch {
    // An error map that needs the real value: the rule is still listed, without its words.
  }
  return undefined;
}
