import { SagaflowError } from '../errors/sagaflowError';
/** A local service could not be found, started or reached. The message says which and what to do. */
export class InfraError extends SagaflowError {
  override name = 'InfraError';
}
