import { uuid4, workflowInfo } from '@temporalio/workflow';

/** Where and how an activity appends one event on the workflow's behalf. */
export interface EventSlot {
  streamId: string;
  /** The stream's version before this event: the workflow is the stream's single writer and knows it. */
  expectedVersion: number;
  /** Made here, before the activity is scheduled, so every retry of the activity appends the same event. */
  eventId: string;
  metadata: {
    correlationId: string;
    causationId?: string;
    workflowId: string;
    runId: string;
  };
}

/**
 * The workflow's view of the event stream it writes: the version it is at, and the last event it
 * appended (the next one's causation). Workflow-safe: ids come from the workflow's deterministic uuid4.
 */
export class WorkflowEventStream {
  private version = 0;
  private lastEventId: string | undefined;

  constructor(readonly streamId: string) {}

  get currentVersion(): number {
    return this.version;
  }

  /** A slot for the next event. Take one per activity call, and keep it for that call's retries. */
  nextSlot(): EventSlot {
    const { workflowId, runId } = workflowInfo();
    return {
      streamId: this.streamId,
      expectedVersion: this.version,
      eventId: uuid4(),
      metadata: { correlationId: workflowId, ...(this.lastEventId ? { causationId: this.lastEventId } : {}), workflowId, runId },
    };
  }

  /**
   * Runs one activity call with the next slot, and moves the stream on when the activity reports
   * its event appended (an activity with nothing to record reports none).
   */
  async write<R extends { appended?: { streamVersion: number } }>(call: (slot: EventSlot) => Promise<R>): Promise<R> {
    const slot = this.nextSlot();
    const result = await call(slot);
    if (result.appended) this.appended(slot, result.appended.streamVersion);
    return result;
  }

  /** Records that the slot's event is in the stream (appended now, or found there on a retry). */
  appended(slot: EventSlot, streamVersion: number): void {
    this.version = streamVersion;
    this.lastEventId = slot.eventId;
  }
}
