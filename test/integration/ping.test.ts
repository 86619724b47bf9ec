import { createSagaWorker } from '../../workers/sagaWorker';
import { ping } from '../../workflows/ping';
import { useTestDatabase } from '../support/database';
import { connectTestTemporal, type TestTemporal } from '../support/temporal';

describe('ping workflow on a real worker, Temporal dev server and PostgreSQL', () => {
  const db = useTestDatabase();
  let temporal: TestTemporal;

  beforeAll(async () => {
    temporal = await connectTestTemporal();
  });

  afterAll(async () => {
    await temporal?.close();
  });

  it('records one row written by the activity and returns it as the workflow result', async () => {
    const worker = await createSagaWorker({
      connection: temporal.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      pool: db.pool,
      workflowBundle: temporal.workflowBundle,
    });
    const workflowId = `ping-${temporal.taskQueue}`;

    const result = await worker.runUntil(
      temporal.client.workflow.execute(ping, { taskQueue: temporal.taskQueue, workflowId, args: ['hello from the smoke test'] }),
    );

    const { rows } = await db.pool.query<{ ping_id: string; message: string; workflow_id: string; recorded_at: Date }>(
      'select ping_id, message, workflow_id, recorded_at from sagaflow_pings',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ping_id: workflowId, message: 'hello from the smoke test', workflow_id: workflowId });
    expect(result).toEqual({ pingId: workflowId, message: 'hello from the smoke test', recordedAt: rows[0]?.recorded_at.toISOString() });
  });

  it('records a repeated ping once and returns the first record (the activity is idempotent)', async () => {
    const worker = await createSagaWorker({
      connection: temporal.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      pool: db.pool,
      workflowBundle: temporal.workflowBundle,
    });
    const workflowId = `ping-twice-${temporal.taskQueue}`;
    const run = (message: string) =>
      temporal.client.workflow.execute(ping, { taskQueue: temporal.taskQueue, workflowId, args: [message] });

    const [first, second] = await worker.runUntil(async () => [await run('first'), await run('second')] as const);

    expect(second).toEqual(first);
    expect(first.message).toBe('first');
    const { rows } = await db.pool.query('select message from sagaflow_pings where ping_id = $1', [workflowId]);
    expect(rows).toEqual([{ message: 'first' }]);
  });
});
