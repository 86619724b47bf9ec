/**
 * The root of every error sagaflow raises on purpose (bad input, a refused append, a service that
 * did not answer), so app code can tell "sagaflow said no" from a bug with one `instanceof`.
 * Anything else that escapes is a bug or an outage.
 */
export class SagaflowError extends Error {
  override name = 'SagaflowError';
}
