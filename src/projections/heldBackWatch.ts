import { describeLogBlocker, formatDuration, howToEndLogBlocker, type LogBlocker } from './logBlocker';

/**
 * Turns what a worker sees at each look at the log's blocker into log lines: one when the same open
 * transaction has held the read bound back for `thresholdMs`, one when it lets go. Not a line per
 * look: an hour's hold is two lines. Shorter holds (an append or a batch in flight) say nothing.
 */
export class HeldBackWatch {
  private hold: { key: string; blocker: LogBlocker; since: number; logged: boolean } | undefined;

  constructor(
    private readonly thresholdMs: number,
    private readonly log: (line: string) => void,
  ) {}

  /** `blocker` as `findLogBlocker` saw it at `now` (ms). */
  observe(blocker: LogBlocker | null, now: number): void {
    // A session can end one transaction and open another: each transaction is its own hold.
    const key = blocker ? `${blocker.pid}/${blocker.transactionId}` : undefined;
    if (this.hold && this.hold.key !== key) {
      const { blocker: ended, since, logged } = this.hold;
      if (logged) this.log(`read bound free again: the transaction of pid ${ended.pid} (database ${JSON.stringify(ended.database)}) ended after holding it back at least ${formatDuration(now - since)}`);
      this.hold = undefined;
    }
    if (!blocker || !key) return;
    this.hold ??= { key, blocker, since: now, logged: false };
    if (!this.hold.logged && now - this.hold.since >= this.thresholdMs) {
      this.hold.logged = true;
      this.log(
        `read bound held back by an open transaction: ${describeLogBlocker(blocker)}; ` +
          `${blocker.eventsWaiting} committed events wait behind it, the oldest for ${formatDuration(blocker.waitingMs)}. ` +
          `To let projections read on, ${howToEndLogBlocker(blocker)}`,
      );
    }
  }
}
