import type { Pool } from 'pg';
import type { EventStore } from '../src/eventstore';
import type { Composition } from '../src/process/composeProcesses';
import { registerActivities } from '../src/process/registerActivities';
import { RECORD_SAGA_EVENT } from '../src/saga';
import type { EventSlot } from '../src/saga/eventStream';
import { createPingActivities } from './ping';
import { recordEvent } from './recordEvent';

export { recordStepEvents } from './stepRecorder';

/**
 * Every activity the saga worker registers: the engine's own (the ping check, the saga-event
 * record) and every process's, by owner, so a name declared twice is refused naming both.
 */
export function createActivities({ pool, store }: { pool: Pool; store: EventStore }, composition: Composition) {
  return registerActivities([
    { owner: 'the ping check', activities: createPingActivities({ pool }) },
    { owner: 'the saga engine', activities: { [RECORD_SAGA_EVENT]: (slot: EventSlot, type: string, data: unknown) => recordEvent(store, slot, type, data) } },
    ...composition.activitySources({ pool, store }),
  ]);
}
