import http from 'node:http';
import { Client } from '@temporalio/client';
import { connectTemporal, InvalidInputError, loadConfig } from 'sagaflow/client';
import { createTicketClient } from './client';

/** POST /tickets starts a booking (202, or 200 for a ticket id booked before); bad input is a 400 naming each field. */
export async function serve(port = 3000): Promise<http.Server> {
  const config = loadConfig();
  const client = new Client({ connection: await connectTemporal(config.temporalAddress ?? 'localhost:7233', config), namespace: config.namespace });
  const tickets = createTicketClient({ client, taskQueue: config.taskQueue });
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/tickets') return reply(404, { error: 'not found' });
      let input: unknown;
      try {
        input = JSON.parse(body);
      } catch {
        return reply(400, { issues: [{ field: 'body', rule: 'must be JSON' }] });
      }
      tickets.book(input).then(
        ({ workflowId, started }) => reply(started ? 202 : 200, { workflowId }),
        (error: unknown) => (error instanceof InvalidInputError ? reply(400, { issues: error.issues }) : reply(500, { error: String(error) })),
      );
    });
  });
  return server.listen(port);
}
