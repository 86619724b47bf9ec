/**
 * A wake-up call for a loop that waits between rounds: `wait` resolves after the timeout or at the
 * next `wake`, whichever comes first. A wake while nobody waits is kept, so a notification that
 * arrives during a round is not lost: the next wait returns at once.
 */
export class Wakeup {
  private pending = false;
  private waiters: Array<() => void> = [];

  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    if (waiters.length === 0) this.pending = true;
    for (const resolve of waiters) resolve();
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiters.push(done);
    });
  }
}
