import { CLOSING_FACTS, SAGA_EVENTS } from '../saga/sagaEvents';
import type { SagaProcess } from '../process/sagaProcess';
import { archiveAfterDays } from './retentionPolicy';

/** The retention of one stream type, as its process declared it, with what closes its streams. */
export interface StreamTypeRetention {
  streamType: string;
  /** The process that owns the stream type and declared its retention. */
  sagaType: string;
  /** Days a stream stays in the hot table after it closed; null: forever. */
  archiveAfterDays: number | null;
  /** A stream is closed when its last event is one of these: the saga's, and its legacy types'. */
  closingEventTypes: readonly string[];
}

/** The stream type a process writes: its stream prefix without the dash. */
export function streamTypeOfProcess(process: Pick<SagaProcess, 'streamPrefix'>): string {
  return process.streamPrefix.replace(/-$/, '');
}

/** Every process's stream type with its retention, validated: a declaration that cannot be followed is refused, naming process, stream type and rule. */
export function retentionOf(processes: readonly SagaProcess[]): StreamTypeRetention[] {
  return processes.map((process) => {
    const streamType = streamTypeOfProcess(process);
    const closing = CLOSING_FACTS.flatMap((fact) => [SAGA_EVENTS[fact], ...(process.legacySagaEvents ? [process.legacySagaEvents[fact]] : [])]);
    return {
      streamType,
      sagaType: process.sagaType,
      archiveAfterDays: archiveAfterDays({ sagaType: process.sagaType, streamType }, process.retention),
      closingEventTypes: [...new Set(closing)],
    };
  });
}
