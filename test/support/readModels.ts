import { composition } from '../../processes';
import type { Projection } from '../../src/projections';

/** The deployment's read models, as the projection worker runs them: every process's and the engine's. */
export const readModels = composition.readModels;

/** One of them by name. */
export function readModel(name: string): Projection {
  const found = readModels.find((projection) => projection.name === name);
  if (!found) throw new Error(`no read model named ${name}; known: ${readModels.map((p) => p.name).join(', ')}`);
  return found;
}
