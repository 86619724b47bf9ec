import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { DaemonHealth } from './projectionDaemon';

export interface HttpEndpoints {
  /** e.g. http://127.0.0.1:9464 */
  url: string;
  close(): Promise<void>;
}

/**
 * The worker's HTTP face: `GET /metrics` (Prometheus text format) and `GET /healthz`, which answers
 * 200 while the worker's session with PostgreSQL is up and 503 while it reconnects, with the
 * projections it owns. A stalled projection does not make the worker unhealthy: restarting it would
 * not help; the stall shows in the metrics. It listens on `host` only: the caller decides who may
 * reach it (loopback for a developer's machine, every interface for a scraper in another container).
 */
export async function serveHttpEndpoints({ port, host, registry, health }: { port: number; host: string; registry: Registry; health: () => DaemonHealth }): Promise<HttpEndpoints> {
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
      const current = health();
      return reply(response, current.connected ? 200 : 503, 'application/json', `${JSON.stringify(current)}\n`);
    }
    reply(response, 404, 'text/plain', 'not found: try /metrics or /healthz\n');
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
