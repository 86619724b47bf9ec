import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { HealthReport } from './healthReport';
import type { DaemonHealth } from './projectionDaemon';

export interface HttpEndpoints {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

export interface HttpEndpointsOptions {
  port: number;
  host: string;
  registry: Registry;
  /** The worker process itself: its session with PostgreSQL and what it owns. */
  liveness: () => DaemonHealth;
  /** The worker and the freshness of its projections. */
  health: () => Promise<HealthReport>;
}

/**
 * The worker's HTTP face:
 * - `GET /metrics`: Prometheus text format;
 * - `GET /healthz`: 200 when the worker is connected and every projection it runs is fresh, else 503
 *   with the reasons (the same as `sagaflow projections status`); a projection lagging but
 *   progressing answers 503 with status "lagging", so a check can tell catching up from stuck;
 * - `GET /livez`: 200 while the worker's session with PostgreSQL is up, 503 while it reconnects. A
 *   liveness probe belongs here: restarting a worker does not cure a poison event or a lag, and
 *   would stop one that is catching up.
 * It listens on `host` only: the caller decides who may reach it (loopback for a developer's
 * machine, every interface for a scraper in another container).
 */
export async function serveHttpEndpoints({ port, host, registry, liveness, health }: HttpEndpointsOptions): Promise<HttpEndpoints> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return reply(response, 405, 'text/plain', 'only GET\n');
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => reply(response, 200, registry.contentType, text),
        (error: Error) => reply(response, 500, 'text/plain', `${error.message}\n`),
      );
      return;
    }
    if (path === '/healthz') {
      health().then(
        (report) => reply(response, report.status === 'healthy' ? 200 : 503, 'application/json', `${JSON.stringify(report)}\n`),
        (error: Error) => reply(response, 503, 'application/json', `${JSON.stringify({ status: 'unhealthy', error: error.message })}\n`),
      );
      return;
    }
    if (path === '/livez') {
      const current = liveness();
      return reply(response, current.connected ? 200 : 503, 'application/json', `${JSON.stringify(current)}\n`);
    }
    reply(response, 404, 'text/plain', 'not found: try /metrics, /healthz or /livez\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface: a URL someone can click names this machine, not the wildcard.
  const wildcard = address.address === '::' || address.address === '0.0.0.0';
  const shownHost = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // keep-alive scrapers would otherwise hold the close open
      }),
  };
}

function reply(response: http.ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(body);
}
