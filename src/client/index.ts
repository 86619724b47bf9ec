export { InvalidInputError } from './errors';
export { createTemporalClient } from './temporalClient';
