/** Stops what globalSetup started: the workers first, then the Temporal server, its UI and PostgreSQL. */
export default async function globalTeardown(): Promise<void> {
  const cleanups = (globalThis as { sagaflowClusterCleanups?: Array<() => Promise<void>> }).sagaflowClusterCleanups ?? [];
  for (const cleanup of cleanups.reverse()) await cleanup();
}
