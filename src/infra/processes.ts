import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { isProcessAlive } from './ports';

/** Services this process started and has not yet seen exit. */
const live = new Set<ChildProcess>();

/** Last resort when the owner must exit now: signal every service it started, without waiting. */
export function killManagedProcessesNow(): void {
  for (const child of live) if (child.pid !== undefined) killGroup(child.pid, 'SIGTERM');
}

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** The last lines the process wrote, for error messages when it fails to start. */
  recentOutput(): string;
  stop(): Promise<void>;
}

/**
 * Spawns a long-running service in its own process group, so a terminal's Ctrl-C reaches our
 * process first and we can drain workers before the databases go away; we stop it ourselves.
 */
export function spawnService(
  command: string,
  args: string[],
  options: SpawnOptions & { stopSignal: NodeJS.Signals; stopTimeoutMs?: number; onOutput?: (line: string) => void },
): ManagedProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const remember = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 40) lines.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  live.add(child);
  const exited = once(child, 'exit').then(() => {
    live.delete(child);
  });
  // A detached child must not keep our event loop alive on its own; stop() is the owner's job.
  child.unref();

  return {
    child,
    recentOutput: () => lines.join('\n'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.ref(); // keep the event loop alive until the exit is observed
      child.kill(options.stopSignal);
      const timeout = options.stopTimeoutMs ?? 15_000;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), timeout).unref()),
      ]);
      if (timedOut) {
        killGroup(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
}

/** Stops a process we did not spawn in this run (found through a pid file), waiting until it is gone. */
export async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs = 15_000): Promise<void> {
  if (!isProcessAlive(pid)) return;
  process.kill(pid, signal);
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      killGroup(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}
