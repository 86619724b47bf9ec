import { composition } from '../../processes';

/** The deployment's contract registry, as the workers build it from the composition root. */
export const contracts = composition.contracts;
