export { PersonalDataCipher, type SubjectRefs } from './cipher';
export type { PersonalDeclaration, PersonalFields } from './declaration';
export { ERASED, isErased, type Erased, type MaybeErased } from './erased';
export { EncryptionKeyError, InvalidSubjectError, PersonalDataCorruptError, PersonalDataDeclarationError, PersonalDataLockedError } from './errors';
export { ERASED_SUBJECT_STREAM_TYPE, forgetSubject, SubjectForgotten, type ForgetOutcome, type ForgetResult } from './forgetSubject';
export { PostgresKeyStore, SUBJECT_KEYS_TABLE, type KeyStore } from './keyStore';
export { MasterKey } from './masterKey';
export { personalDataFromEnv, withPersonalDataFromEnv } from './fromEnv';
