import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '@temporalio/client';
import { connectTemporal } from 'sagaflow/client';
import { createEventStore } from 'sagaflow/eventstore';
import { createProjectionDaemon, waitForProjection } from 'sagaflow/projections';
import { replayHistories, startTestServices, type TestServices } from 'sagaflow/testing';
import { connectTemporalWorker, createPool, createSagaWorker } from 'sagaflow/worker';
import type { Worker } from '@temporalio/worker';
import { createTicketClient } from './client';
import { composition } from './process';
import { ticketWorkflowId } from './workflow';

const taskQueue = 'tickets-test';
let services: TestServices;
let pool: ReturnType<typeof createPool>;
let client: Client;
let worker: Worker;
let running: Promise<void>;
const closers: Array<() => Promise<void>> = [];

before(async () => {
  // A real PostgreSQL and a real Temporal dev server, started for this run and stopped after it.
  services = await startTestServices({ composition });
  pool = createPool(services.databaseUrl);
  const projections = createProjectionDaemon({ pool, connectionString: services.databaseUrl, contracts: composition.contracts, projections: composition.readModels });
  await projections.start();
  const workerConnection = await connectTemporalWorker(services.temporalAddress);
  // 'fast' retries: a run reaches every outcome in seconds.
  worker = await createSagaWorker({ composition, connection: workerConnection, namespace: services.namespace, taskQueue, pool, retries: 'fast' });
  running = worker.run();
  const connection = await connectTemporal(services.temporalAddress);
  client = new Client({ connection, namespace: services.namespace });
  closers.push(
    async () => worker.shutdown(),
    () => running,
    () => workerConnection.close(),
    () => connection.close(),
    () => projections.stop(),
    () => pool.end(),
    () => services.stop(),
  );
});

after(async () => {
  for (const close of closers) await close();
});

const ticket = (ticketId: string, priceCents: number) => ({ ticketId, customerId: 'c-1', seat: '12A', priceCents, currency: 'EUR' });

async function summaryOf(ticketId: string) {
  const { rows } = await pool.query('select * from ticket_summary where ticket_id = $1', [ticketId]);
  return rows[0] as Record<string, unknown> | undefined;
}

test('a ticket within the card limit is booked: the seat held, the card charged, the saga completed', async () => {
  const tickets = createTicketClient({ client, taskQueue });
  await tickets.book(ticket('t-1', 4_500));
  const result = await tickets.result('t-1');
  assert.equal(result.outcome, 'COMPLETED');

  const store = createEventStore(pool, { contracts: composition.contracts });
  const types = (await store.readStream('Ticket-t-1')).map((e) => e.type);
  assert.deepEqual(types, ['TicketRequested', 'SeatHeld', 'CardCharged', 'SagaCompleted']);

  await waitForProjection(pool, 'ticket_summary', result.position!);
  assert.deepEqual(await summaryOf('t-1'), { ticket_id: 't-1', seat: '12A', hold_id: result.value!.holdId, charge_id: result.value!.chargeId, status: 'BOOKED', outcome: 'COMPLETED', last_stream_version: '4' });
});

test('a declined card compensates: the hold is released and the saga ends compensated', async () => {
  const tickets = createTicketClient({ client, taskQueue });
  await tickets.book(ticket('t-2', 25_000));
  const result = await tickets.result('t-2');
  assert.equal(result.outcome, 'COMPENSATED');

  const store = createEventStore(pool, { contracts: composition.contracts });
  const types = (await store.readStream('Ticket-t-2')).map((e) => e.type);
  assert.deepEqual(types, ['TicketRequested', 'SeatHeld', 'CardDeclined', 'SeatReleased', 'SagaFailed']);

  await waitForProjection(pool, 'ticket_summary', result.position!);
  assert.equal((await summaryOf('t-2'))?.status, 'RELEASED');
  assert.equal((await summaryOf('t-2'))?.outcome, 'COMPENSATED');
});

test('bad input is refused at the boundary, naming the field, and starts nothing', async () => {
  const tickets = createTicketClient({ client, taskQueue });
  await assert.rejects(tickets.book({ ...ticket('t-3', 100), priceCents: -1 }), (error: Error & { issues?: Array<{ field: string }> }) => {
    assert.equal(error.name, 'InvalidInputError');
    assert.deepEqual(error.issues?.map((i) => i.field), ['priceCents']);
    return true;
  });
  await assert.rejects(client.workflow.getHandle(ticketWorkflowId('t-3')).describe());
});

test('the recorded histories of both runs replay against the workflow code', async () => {
  const histories = await Promise.all(['t-1', 't-2'].map(async (id) => ({ workflowId: ticketWorkflowId(id), history: await client.workflow.getHandle(ticketWorkflowId(id)).fetchHistory() })));
  await replayHistories(composition, histories);
});
