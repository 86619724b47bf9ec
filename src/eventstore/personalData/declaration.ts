import { z } from 'zod';
import { PersonalDataDeclarationError } from './errors';

/**
 * Which fields of an event's payload are personal data, and whose. Each is stored encrypted with
 * its subject's key, so forgetting the subject (destroying the key) erases them from every copy of
 * the log at once. `subject` is the field holding the subject's id (a customer id, an account id);
 * it must be a string and is encrypted too when listed in `fields`. Paths are dotted
 * (`shipTo.street`) into nested objects.
 */
export interface PersonalFields {
  subject: string;
  fields: readonly string[];
}

/** One subject's fields, or several subjects' (a transfer names two account holders). */
export type PersonalDeclaration = PersonalFields | readonly PersonalFields[];

/**
 * Refuses a declaration naming a field the schema does not have, a subject that is not a string,
 * or a field listed twice (in one subject's list or two); returns it as a list of subjects.
 */
export function checkPersonalFields(type: string, version: number, schema: z.ZodType, declaration: PersonalDeclaration): PersonalFields[] {
  const groups: readonly PersonalFields[] = Array.isArray(declaration) ? declaration : [declaration as PersonalFields];
  if (groups.length === 0) throw new PersonalDataDeclarationError(type, version, 'personal', 'must name at least one subject');
  const seen = new Set<string>();
  return groups.map((personal, i) => {
    const at = groups.length > 1 ? `personal[${i}]` : 'personal';
    const refuse = (field: string, rule: string) => new PersonalDataDeclarationError(type, version, `${at}.${field}`, rule);
    const fields: readonly string[] = personal.fields;
    if (!(fields?.length > 0)) throw refuse('fields', 'must list at least one field path');
    const subject = fieldAt(schema, personal.subject);
    if (!subject) throw refuse('subject', `names no field of the payload: ${JSON.stringify(personal.subject)}`);
    if (!(unwrap(subject) instanceof z.ZodString)) throw refuse('subject', `${personal.subject} must be a string field (the subject's id)`);
    for (const path of fields) {
      if (!fieldAt(schema, path)) throw refuse('fields', `names no field of the payload: ${JSON.stringify(path)}`);
      if (seen.has(path)) throw refuse('fields', `lists ${path} twice: a field belongs to one subject`);
      const nested = [...seen].find((other) => path.startsWith(`${other}.`) || other.startsWith(`${path}.`));
      if (nested) throw refuse('fields', `lists ${path} and ${nested}, one inside the other: list the outer one`);
      seen.add(path);
    }
    return { subject: personal.subject, fields: [...fields] };
  });
}

function fieldAt(schema: z.ZodType, path: unknown): z.ZodType | undefined {
  if (typeof path !== 'string' || path.length === 0) return undefined;
  let current: z.ZodType = schema;
  for (const segment of path.split('.')) {
    const object = unwrap(current);
    if (!(object instanceof z.ZodObject)) return undefined;
    const child = (object.shape as Record<string, z.ZodType>)[segment];
    if (!child) return undefined;
    current = child;
  }
  return current;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
