import type { Pool } from 'pg';

export interface PingInput {
  pingId: string;
  message: string;
  workflowId: string;
}

export interface PingRecord {
  pingId: string;
  message: string;
  recordedAt: string;
}

export function createPingActivities({ pool }: { pool: Pool }) {
  return {
    /** Idempotent by ping id: a retry after a lost response finds the first row and returns it. */
    async recordPing({ pingId, message, workflowId }: PingInput): Promise<PingRecord> {
      const { rows } = await pool.query<{ ping_id: string; message: string; recorded_at: Date }>(
        `with inserted as (
           insert into sagaflow_pings (ping_id, message, workflow_id) values ($1, $2, $3)
           on conflict (ping_id) do nothing
           returning ping_id, message, recorded_at)
         select ping_id, message, recorded_at from inserted
         union all
         select ping_id, message, recorded_at from sagaflow_pings where ping_id = $1
         limit 1`,
        [pingId, message, workflowId],
      );
      const row = rows[0];
      if (!row) throw new Error(`ping ${pingId} was neither inserted nor found`);
      return { pingId: row.ping_id, message: row.message, recordedAt: row.recorded_at.toISOString() };
    },
  };
}

export type PingActivities = ReturnType<typeof createPingActivities>;
