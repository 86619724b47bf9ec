import { ping } from '../../workflows/ping';
import { useTestDatabase } from '../support/database';
import { useSagaWorker } from '../support/sagaWorker';

describe('ping workflow on a real worker, Temporal dev server and PostgreSQL', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);

  const run = (workflowId: string, message: string) =>
    rig.temporal.client.workflow.execute(ping, { taskQueue: rig.temporal.taskQueue, workflowId, args: [message] });

  it('records one row written by the activity and returns it as the workflow result', async () => {
    const workflowId = `ping-${rig.temporal.taskQueue}`;

    const result = await run(workflowId, 'hello from the smoke test');

    const { rows } = await db.pool.query<{ ping_id: string; message: string; workflow_id: string; recorded_at: Date }>(
      'select ping_id, message, workflow_id, recorded_at from sagaflow_pings',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ ping_id: workflowId, message: 'hello from the smoke test', workflow_id: workflowId });
    expect(result).toEqual({ pingId: workflowId, message: 'hello from the smoke test', recordedAt: rows[0]?.recorded_at.toISOString() });
  });

  it('records a repeated ping once and returns the first record (the activity is idempotent)', async () => {
    const workflowId = `ping-twice-${rig.temporal.taskQueue}`;

    const first = await run(workflowId, 'first');
    const second = await run(workflowId, 'second');

    expect(second).toEqual(first);
    expect(first.message).toBe('first');
    const { rows } = await db.pool.query('select message from sagaflow_pings where ping_id = $1', [workflowId]);
    expect(rows).toEqual([{ message: 'first' }]);
  });
});
