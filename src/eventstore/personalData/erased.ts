/**
 * What a personal field reads as once its subject was forgotten: its key is destroyed, so its
 * value is gone for good. A plain JSON object, so read models can store it and folds can test it.
 */
export interface Erased {
  readonly erased: true;
}

export const ERASED: Erased = Object.freeze({ erased: true as const });

export function isErased(value: unknown): value is Erased {
  return typeof value === 'object' && value !== null && (value as { erased?: unknown }).erased === true && Object.keys(value).length === 1;
}

/** A payload type whose personal fields may read as erased. */
export type MaybeErased<T> = T | Erased;
