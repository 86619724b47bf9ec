import type { TestDatabase } from './database';
import { asSuperuser } from './tampering';

/**
 * Moves a stream's events `days` back in time, hashes recomputed with the store's own function, as
 * if it had been written then: what a retention of N days needs to find something to archive.
 */
export async function ageStream(db: TestDatabase, streamId: string, days: number): Promise<void> {
  await asSuperuser(
    db,
    `do $$
     declare
       v_event record;
       v_previous bytea;
     begin
       update events set created_at = created_at - make_interval(days => ${Number(days)}) where stream_id = '${streamId.replace(/'/g, "''")}';
       for v_event in select * from events where stream_id = '${streamId.replace(/'/g, "''")}' order by version loop
         v_previous := sagaflow_event_hash(v_previous, v_event.event_id, v_event.stream_id, v_event.version, v_event.event_type,
                                           v_event.schema_version, v_event.data, v_event.metadata, v_event.created_at);
         update events set hash = v_previous where event_id = v_event.event_id;
       end loop;
     end $$`,
  );
}
