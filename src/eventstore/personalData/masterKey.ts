import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { DATA_KEY_BYTES } from './envelope';
import { EncryptionKeyError } from './errors';

/** Where a deployment gives its master key. */
export const ENCRYPTION_KEY_VARIABLE = 'SAGAFLOW_ENCRYPTION_KEY';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * The key that wraps every subject's data key, and keys the subject references (an HMAC of the
 * subject id, so neither the key table nor the erasure event holds the id itself).
 */
export class MasterKey {
  private readonly wrapKey: Buffer;
  private readonly refKey: Buffer;

  private constructor(key: Buffer) {
    this.wrapKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'sagaflow subject key wrapping', KEY_BYTES));
    this.refKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'sagaflow subject reference', KEY_BYTES));
  }

  /** Base64 of exactly 32 random bytes (`openssl rand -base64 32`). */
  static parse(value: string, variable = ENCRYPTION_KEY_VARIABLE): MasterKey {
    const text = value.trim();
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
      throw new EncryptionKeyError(variable, 'must be base64 of 32 random bytes (make one with `openssl rand -base64 32`); it is not base64');
    }
    const key = Buffer.from(text, 'base64');
    if (key.length !== KEY_BYTES) throw new EncryptionKeyError(variable, `must be base64 of 32 random bytes (make one with \`openssl rand -base64 32\`); it holds ${key.length} bytes`);
    return new MasterKey(key);
  }

  /** Hex HMAC-SHA256 of the subject id: the same subject always has the same reference. */
  subjectRef(subject: string): string {
    return createHmac('sha256', this.refKey).update(subject, 'utf8').digest('hex');
  }

  wrap(dataKey: Buffer, subjectRef: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    cipher.setAAD(Buffer.from(subjectRef, 'utf8'));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  unwrap(wrapped: Buffer, subjectRef: string): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.wrapKey, wrapped.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(subjectRef, 'utf8'));
    decipher.setAuthTag(wrapped.subarray(wrapped.length - TAG_BYTES));
    return Buffer.concat([decipher.update(wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES)), decipher.final()]);
  }
}

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}
