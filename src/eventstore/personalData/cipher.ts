import type { PersonalFields } from './declaration';
import { ERASED } from './erased';
import { isSealed, openValue, sealValue, type SealedField } from './envelope';
import { PersonalDataCorruptError, PersonalDataLockedError } from './errors';
import type { KeyStore } from './keyStore';

/** Turns a subject id into the reference its key is stored under (MasterKey.subjectRef). */
export interface SubjectRefs {
  subjectRef(subject: string): string;
}

/** Seals personal fields on the way into the log and opens them on the way out. */
export class PersonalDataCipher {
  constructor(
    readonly keys: KeyStore,
    private readonly refs: SubjectRefs,
  ) {}

  subjectRef(subject: string): string {
    return this.refs.subjectRef(subject);
  }

  /**
   * Copies of validated payloads with their personal fields sealed under their subjects' keys,
   * fetched (or made) in one call for the whole batch.
   */
  async seal(payloads: ReadonlyArray<{ eventId: string; data: unknown; personal: readonly PersonalFields[] }>): Promise<unknown[]> {
    // Per payload, per subject: its reference, or undefined when the contract's optional subject is absent (nothing to seal).
    const refs = payloads.map(({ data, personal }) =>
      personal.map(({ subject }) => {
        const id = valueAt(data, subject);
        return typeof id === 'string' ? this.refs.subjectRef(id) : undefined;
      }),
    );
    const keys = await this.keys.getOrCreate(refs.flat().filter((ref): ref is string => ref !== undefined));
    return payloads.map(({ eventId, data, personal }, i) => {
      if (refs[i]!.every((ref) => ref === undefined)) return data;
      const copy = structuredClone(data) as Record<string, unknown>;
      personal.forEach(({ fields }, group) => {
        const subjectRef = refs[i]![group];
        if (subjectRef === undefined) return;
        const dataKey = keys.get(subjectRef)!;
        for (const path of fields) {
          const segments = path.split('.');
          const parent = segments.slice(0, -1).reduce<unknown>((node, segment) => (isRecord(node) ? node[segment] : undefined), copy);
          const last = segments[segments.length - 1]!;
          if (isRecord(parent) && parent[last] !== undefined) parent[last] = sealValue(dataKey, subjectRef, eventId, path, parent[last]);
        }
      });
      return copy;
    });
  }
}

/** A stored payload that may hold sealed fields, opened in place by `openPayloads`. */
export interface SealedPayload {
  eventId: string;
  eventType: string;
  data: unknown;
}

/**
 * Opens every sealed field of these payloads with one key lookup for all their subjects: a field
 * whose subject was forgotten reads as ERASED. Without a cipher a sealed field is refused rather
 * than handed out.
 */
export async function openPayloads(payloads: SealedPayload[], cipher: PersonalDataCipher | undefined): Promise<void> {
  const found: Array<{ payload: SealedPayload; path: string[]; field: SealedField }> = [];
  for (const payload of payloads) collectSealed(payload.data, [], (path, field) => found.push({ payload, path, field }));
  if (found.length === 0) return;
  if (!cipher) throw new PersonalDataLockedError(found[0]!.payload.eventId, found[0]!.payload.eventType);
  const keys = await cipher.keys.get(found.map(({ field }) => field.$personal.subject));
  for (const { payload, path, field } of found) {
    const dataKey = keys.get(field.$personal.subject);
    const value = dataKey ? openOrRefuse(dataKey, payload, path.join('.'), field) : ERASED;
    payload.data = replaceAt(payload.data, path, value);
  }
}

function openOrRefuse(dataKey: Buffer, payload: SealedPayload, path: string, field: SealedField): unknown {
  try {
    return openValue(dataKey, payload.eventId, path, field);
  } catch {
    // AES-GCM refuses a changed ciphertext, tag or place; the cause carries nothing more.
    throw new PersonalDataCorruptError(payload.eventId, payload.eventType, path);
  }
}

/**
 * Whether a payload holds a sealed field anywhere. Every read asks it of every payload, so it
 * allocates nothing; only payloads that answer yes are walked again to open them.
 */
export function holdsSealed(node: unknown): boolean {
  if (isSealed(node)) return true;
  if (!isRecord(node)) return false;
  // A payload is parsed JSON: its objects have no inherited enumerable keys.
  for (const key in node) if (holdsSealed(node[key])) return true;
  return false;
}

/** One path, grown and shrunk in place, copied only for a sealed field. */
function collectSealed(node: unknown, path: string[], onSealed: (path: string[], field: SealedField) => void): void {
  if (isSealed(node)) return onSealed([...path], node);
  if (!isRecord(node)) return;
  for (const key of Object.keys(node)) {
    path.push(key);
    collectSealed(node[key], path, onSealed);
    path.pop();
  }
}

function replaceAt(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = path.slice(0, -1).reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], root) as Record<string, unknown>;
  parent[path[path.length - 1]!] = value;
  return root;
}

function valueAt(data: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, segment) => (isRecord(node) ? node[segment] : undefined), data);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
