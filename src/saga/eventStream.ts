import { uuid4, workflowInfo } from '@temporalio/workflow';
import type { EventPosition } from './types';

/** Where and how an activity appends one event on the workflow's behalf. */
export interface EventSlot {
  streamId: string;
  /**
   * The stream's version before this event: the workflow is the stream's single writer and knows it.
   * 'any' for the steps of a parallel group, whose appends race each other; the event id still makes
   * each append happen once, and the first step after the group checks the exact version again.
   */
  expectedVersion: number | 'any';
  /** Made here, before the activity is scheduled, so every retry of the activity appends the same event. */
  eventId: string;
  metadata: {
    correlationId: string;
    causationId?: string;
    workflowId: string;
    runId: string;
  } & StepMark;
}

/** Which step of the saga recorded the event: the saga metrics count step outcomes and compensations by it. */
// A type, not an interface: the slot's metadata must stay assignable to the store's open EventMetadata.
export type StepMark = {
  /** The step whose action recorded it. */
  step?: string;
  /** The step whose compensation recorded it. */
  compensates?: string;
};

/** What an append activity reports back: the stream's new version and where its event sits in the log. */
export interface AppendedEvent extends EventPosition {
  streamVersion: number;
}

export interface SlotOptions {
  /** The call runs beside others that append to this stream (a parallel group). */
  concurrent?: boolean;
  /** The step the event comes from, stored in its metadata. */
  mark?: StepMark;
}

/**
 * The workflow's view of the event stream it writes: the version it is at, the last event it
 * appended (the next one's causation) and that event's position in the log, which app code waits
 * on to read its own writes. Workflow-safe: ids come from the workflow's deterministic uuid4, and
 * everything else from activity results already in the history.
 */
export class WorkflowEventStream {
  private version = 0;
  private lastEventId: string | undefined;
  private position: EventPosition | undefined;

  constructor(readonly streamId: string) {}

  get currentVersion(): number {
    return this.version;
  }

  /** The position of the last event appended so far; undefined before the first. */
  get lastPosition(): EventPosition | undefined {
    return this.position && { ...this.position };
  }

  /** A slot for the next event. Take one per activity call, and keep it for that call's retries. */
  nextSlot({ concurrent = false, mark = {} }: SlotOptions = {}): EventSlot {
    const { workflowId, runId } = workflowInfo();
    return {
      streamId: this.streamId,
      expectedVersion: concurrent ? 'any' : this.version,
      eventId: uuid4(),
      metadata: { correlationId: workflowId, ...(this.lastEventId ? { causationId: this.lastEventId } : {}), workflowId, runId, ...mark },
    };
  }

  /**
   * Runs one activity call with the next slot, and moves the stream on when the activity reports
   * its event appended (an activity with nothing to record reports none).
   */
  async write<R extends object>(call: (slot: EventSlot) => Promise<R>, options: SlotOptions = {}): Promise<R> {
    const slot = this.nextSlot(options);
    const result = await call(slot);
    const { appended } = result as { appended?: AppendedEvent };
    if (appended) this.appended(slot, appended);
    return result;
  }

  /** Records that the slot's event is in the stream (appended now, or found there on a retry). */
  appended(slot: EventSlot, { streamVersion, transactionId, globalPosition }: AppendedEvent): void {
    // One at a time, each report is the newest; in a parallel group reports arrive in any order, and
    // the stream stands at the highest version reported, caused by the event that took it.
    if (streamVersion > this.version) {
      this.version = streamVersion;
      this.lastEventId = slot.eventId;
    }
    const next = { transactionId, globalPosition };
    if (!this.position || isAfter(next, this.position)) this.position = next;
  }
}

/** Global order is (transaction id, position); ids are decimal xid8 strings, compared as numbers. */
function isAfter(a: EventPosition, b: EventPosition): boolean {
  const [ta, tb] = [BigInt(a.transactionId), BigInt(b.transactionId)];
  return ta !== tb ? ta > tb : a.globalPosition > b.globalPosition;
}
