import { createCipheriv, createDecipheriv, createHmac } from 'node:crypto';

/**
 * One personal field as stored: its subject's key reference and the AES-256-GCM ciphertext of its
 * JSON value. The hash chain covers this, so verifying the log needs no key, and still holds once
 * the key is destroyed.
 */
export const SEALED = '$personal';
export interface SealedField {
  [SEALED]: { subject: string; sealed: string };
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A synthetic IV (RFC 5297's idea with GCM): an HMAC of the field's place and plaintext, so a
 * retried append of the same event stores the same bytes (the store's idempotency compares them),
 * and one key never meets one nonce with two plaintexts. The place (event id, field path) is also
 * the additional data: a sealed value copied into another event or field does not open.
 */
export function sealValue(dataKey: Buffer, subjectRef: string, eventId: string, path: string, value: unknown): SealedField {
  const { encryptKey, ivKey } = subkeys(dataKey);
  const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
  const place = placeOf(eventId, path);
  const iv = createHmac('sha256', ivKey).update(place).update(plaintext).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encryptKey, iv);
  cipher.setAAD(place);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { [SEALED]: { subject: subjectRef, sealed: Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64') } };
}

export function openValue(dataKey: Buffer, eventId: string, path: string, field: SealedField): unknown {
  const { encryptKey } = subkeys(dataKey);
  const bytes = Buffer.from(field[SEALED].sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', encryptKey, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(placeOf(eventId, path));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const plaintext = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  return JSON.parse(plaintext.toString('utf8'));
}

export function isSealed(value: unknown): value is SealedField {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const inner = (value as Record<string, unknown>)[SEALED];
  // Looked up before the keys are counted: every object of every payload read comes through here.
  if (typeof inner !== 'object' || inner === null) return false;
  return typeof (inner as { sealed?: unknown }).sealed === 'string' && Object.keys(value).length === 1;
}

/**
 * A data key is two independent 256-bit keys, one encrypting and one deriving nonces (the same key
 * must not do both): held as one 64-byte key, so reading a page of events opens each field without
 * deriving anything.
 */
export const DATA_KEY_BYTES = 64;

function subkeys(dataKey: Buffer): { encryptKey: Buffer; ivKey: Buffer } {
  return { encryptKey: dataKey.subarray(0, 32), ivKey: dataKey.subarray(32, DATA_KEY_BYTES) };
}

function placeOf(eventId: string, path: string): Buffer {
  return Buffer.from(`${eventId.toLowerCase()}\u0000${path}\u0000`, 'utf8');
}
