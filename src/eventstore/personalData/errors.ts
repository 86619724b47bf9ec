import { EventStoreError } from '../errors';

/** A contract's `personal` declaration names a field its payload does not have, or breaks a rule. */
export class PersonalDataDeclarationError extends EventStoreError {
  override name = 'PersonalDataDeclarationError';
  constructor(
    readonly eventType: string,
    readonly version: number,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`contract ${eventType} v${version}: ${field} ${rule}`);
  }
}

/** The master key (SAGAFLOW_ENCRYPTION_KEY) is not what it must be. */
export class EncryptionKeyError extends EventStoreError {
  override name = 'EncryptionKeyError';
  constructor(
    readonly variable: string,
    readonly rule: string,
  ) {
    super(`${variable} ${rule}`);
  }
}

/**
 * A stored event holds encrypted personal data and this reader was given no key store to open it
 * with: configure the same SAGAFLOW_ENCRYPTION_KEY as the writers. Raised rather than handing out
 * ciphertext, or calling data erased that is not.
 */
export class PersonalDataLockedError extends EventStoreError {
  override name = 'PersonalDataLockedError';
  constructor(
    readonly eventId: string,
    readonly eventType: string,
  ) {
    super(`event ${eventId} (${eventType}) holds encrypted personal data and this reader has no encryption key: set SAGAFLOW_ENCRYPTION_KEY as the writers do`);
  }
}

/** A subject id given to forget is not one (empty, too long, not a string). */
export class InvalidSubjectError extends EventStoreError {
  override name = 'InvalidSubjectError';
  constructor(readonly rule: string) {
    super(`subject ${rule}`);
  }
}

/**
 * A sealed field did not open under its subject's key: its ciphertext was changed (the hash chain
 * names where), or it was copied from another event or field.
 */
export class PersonalDataCorruptError extends EventStoreError {
  override name = 'PersonalDataCorruptError';
  constructor(
    readonly eventId: string,
    readonly eventType: string,
    readonly field: string,
  ) {
    super(`event ${eventId} (${eventType}): personal field data.${field} does not open under its subject's key: it was altered or copied from elsewhere (sagaflow events verify names altered events)`);
  }
}
