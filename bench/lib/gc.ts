let warned = false;

/**
 * Collects this process's garbage before a measurement, so a subject does not pay for the heap its
 * predecessor left (a major collection mid-row shows as a tail of slow calls in whoever runs next).
 * Needs node's --expose-gc, which the bench scripts pass; without it, says so once.
 */
export function collectGarbage(log: (line: string) => void): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) return gc();
  if (warned) return;
  warned = true;
  log('garbage is not collected before each measurement: run node with --expose-gc (npm run bench:eventstore does)');
}
