import { killManagedProcessesNow } from './processes';

export interface Shutdown {
  /** Registers a cleanup; they run in reverse order of registration (stop what started last first). */
  add(cleanup: () => Promise<void>): void;
  /** Runs the cleanups once, then exits with the code. */
  exit(code: number): void;
}

/**
 * Cleans up on SIGINT or SIGTERM, then exits. A second signal exits at once, for the impatient
 * Ctrl-C. The services we start live in their own process groups, so without this they would
 * outlive us.
 */
export function handleShutdown(log: (line: string) => void = console.error): Shutdown {
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  let firstSignalAt = 0;
  const exit = (code: number) => {
    if (stopping) return;
    stopping = true;
    void (async () => {
      for (const cleanup of cleanups.reverse()) {
        try {
          await cleanup();
        } catch (error) {
          log(`cleanup failed: ${(error as Error).message}`);
          code = code || 1;
        }
      }
    })().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      // One Ctrl-C can arrive twice (from the terminal and relayed by npm); only a later one means "force".
      if (Date.now() - firstSignalAt < 2_000) return;
      log(`${signal} again: exiting without waiting`);
      killManagedProcessesNow();
      process.exit(130);
    }
    firstSignalAt = Date.now();
    log(`${signal}: shutting down (press Ctrl-C again to force)`);
    exit(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { add: (cleanup) => cleanups.push(cleanup), exit };
}
