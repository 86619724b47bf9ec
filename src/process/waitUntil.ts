import { setTimeout as sleep } from 'node:timers/promises';

/** Polls `check` until it holds, or fails naming what it waited for. For scenarios and tools, not workflows. */
export async function waitUntil(check: () => Promise<boolean>, what: string, { timeoutMs = 30_000, intervalMs = 100 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(intervalMs);
  }
}
