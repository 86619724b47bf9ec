import fs from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU seconds (user + system) used so far by a process and all its descendants, from /proc: a
 * PostgreSQL postmaster's backends, a server's children. A descendant that has exited counts in its
 * parent's time for reaped children (cutime, cstime), so backends that come and go as pools recycle
 * connections are not lost. Linux only; undefined elsewhere or once the root is gone.
 */
export function processTreeCpuSeconds(rootPid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields are counted after its end.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]) });
    } catch {
      // exited between readdir and read
    }
  }
  if (!stats.has(rootPid)) return undefined;
  let ticks = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, { ppid }] of stats) if (ppid === pid) pending.push(child);
  }
  return ticks / TICKS_PER_SECOND;
}

/** The pid a PostgreSQL data directory's postmaster.pid names. */
export function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n', 1)[0]);
}
