import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PingActivities, PingRecord } from '../activities/ping';

const { recordPing } = proxyActivities<PingActivities>({
  startToCloseTimeout: '10 seconds',
  summary: 'Record the ping in PostgreSQL',
});

/**
 * The smallest end-to-end check of a deployment: Temporal schedules an activity on a sagaflow worker,
 * which writes to PostgreSQL. Keyed by workflow id, so a retried activity records it once.
 */
export async function ping(message: string): Promise<PingRecord> {
  const { workflowId } = workflowInfo();
  return recordPing({ pingId: workflowId, message, workflowId });
}
