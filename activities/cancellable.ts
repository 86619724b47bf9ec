import { Context } from '@temporalio/activity';

/** A call the activity no longer waits for (timed out, cancelled, worker shutting down) is abandoned. */
export function cancellable(): { signal: AbortSignal } {
  return { signal: Context.current().cancellationSignal };
}
