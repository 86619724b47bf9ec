import { SagaflowError } from '../errors';

type ActivityFunction = (...args: never[]) => Promise<unknown>;

export interface ActivitySource {
  /** Who declares these activities, named in a collision, e.g. "process OrderFulfillment". */
  owner: string;
  activities: Record<string, ActivityFunction>;
}

/** Two owners declared one activity name: the worker would silently run only one of them. */
export class ActivityNameCollisionError extends SagaflowError {
  override name = 'ActivityNameCollisionError';
  constructor(
    readonly activity: string,
    readonly owners: [string, string],
  ) {
    super(`activity ${activity} is declared by both ${owners[0]} and ${owners[1]}: rename one of them`);
  }
}

/** One table of every activity the worker registers; a name declared twice is refused, naming both owners. */
export function registerActivities(sources: ActivitySource[]): Record<string, ActivityFunction> {
  const table: Record<string, ActivityFunction> = {};
  const owners = new Map<string, string>();
  for (const { owner, activities } of sources) {
    for (const [name, fn] of Object.entries(activities)) {
      const first = owners.get(name);
      if (first !== undefined) throw new ActivityNameCollisionError(name, [first, owner]);
      owners.set(name, owner);
      table[name] = fn;
    }
  }
  return table;
}
