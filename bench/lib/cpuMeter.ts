import { postmasterPid, processTreeCpuSeconds } from './cpu';

/** CPU time per event on each side of the wire, in microseconds. */
export interface CpuPerEvent {
  /** This benchmark process: the store's client code, the driver, the harness. */
  clientUs: number;
  /** The PostgreSQL server (every backend and background process); NaN for a server given by DATABASE_URL. */
  serverUs: number;
}

export interface CpuMeter {
  /** Starts measuring; `perEvent` then divides the CPU spent since by the events handled. */
  start(): { perEvent(events: number): CpuPerEvent | undefined };
}

/**
 * Splits a row's cost between the client and the server, so a ratio can be read as "where does
 * the time go": both sides share the machine's cores, and a subject that spends more CPU in the
 * client leaves less for the server. The server side is read from /proc (Linux), only for the
 * embedded server whose data directory is known; its resolution is 10 ms, so short rows read roughly.
 */
export function cpuMeter(postgresDataDir: string | undefined): CpuMeter {
  const serverPid = postgresDataDir ? postmasterPid(postgresDataDir) : undefined;
  const serverSeconds = () => (serverPid === undefined ? undefined : processTreeCpuSeconds(serverPid));
  return {
    start() {
      const client0 = process.cpuUsage();
      const server0 = serverSeconds();
      return {
        perEvent(events) {
          if (events === 0) return undefined;
          const client = process.cpuUsage(client0);
          const server1 = serverSeconds();
          const serverUs = server0 === undefined || server1 === undefined ? Number.NaN : ((server1 - server0) * 1e6) / events;
          return { clientUs: (client.user + client.system) / events, serverUs };
        },
      };
    },
  };
}
