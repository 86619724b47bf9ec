export { InvalidInputError } from './errors';
