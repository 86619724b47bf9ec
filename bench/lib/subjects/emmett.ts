import { dumbo } from '@event-driven-io/dumbo';
import { NO_CONCURRENCY_CHECK, STREAM_DOES_NOT_EXIST, type Event } from '@event-driven-io/emmett';
import { ANY_VERSION_TRIES } from './subject';
import { getPostgreSQLEventStore, readMessagesBatch } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { BenchEvent, BenchMetadata, BenchOrderData } from '../payloads';
import { surviveDisconnects } from '../../../src/config/connections';
import type { Subject, SubjectSession } from './subject';

/**
 * Emmett's PostgreSQL event store (@event-driven-io/emmett-postgresql), the store a TypeScript team
 * would otherwise pick, used through its public API on a pool we size like the others'.
 */

// Emmett takes an event's id from metadata.messageId and stores the rest of the metadata as given.
type Recorded = Event<'BenchEventRecorded', BenchOrderData, BenchMetadata & { messageId: string }>;

function toEmmett(event: BenchEvent): Recorded {
  return { type: event.type, data: event.data, metadata: { ...event.metadata, messageId: event.eventId } };
}

function connect(databaseUrl: string, poolSize: number) {
  const pool = surviveDisconnects(new pg.Pool({ connectionString: databaseUrl, max: poolSize }));
  // Emmett's own SQL layer over that pool: the store appends through it and reads go through its executor.
  const db = dumbo({ connectionString: databaseUrl, pool });
  // Schema creation is done once in prepare(), untimed; without 'None' every store instance would
  // re-check its migrations on first use, inside a timed call.
  const store = getPostgreSQLEventStore(databaseUrl, { connectionOptions: { dumbo: db }, schema: { autoMigration: 'None' } });
  return { pool, db, store };
}

export const emmettSubject: Subject = {
  name: 'emmett',
  readCountCaveat:
    'readMessagesBatch orders a page by (transaction_id, global_position) but starts the next one after the last ' +
    'row\'s global_position, so after concurrent appends pages can overlap or skip events',

  async prepare(databaseUrl) {
    const { pool, db } = connect(databaseUrl, 1);
    try {
      // A store that migrates: schema.migrate() is the call its autoMigration would make on first use.
      await getPostgreSQLEventStore(databaseUrl, { connectionOptions: { dumbo: db } }).schema.migrate();
    } finally {
      await pool.end();
    }
  },

  async open(databaseUrl, poolSize): Promise<SubjectSession> {
    const { pool, db, store } = connect(databaseUrl, poolSize);
    return {
      async append(streamId, events, expectedVersion) {
        // appendToStream throws ExpectedVersionConflictError on a conflict. Emmett 0.42 sends
        // STREAM_DOES_NOT_EXIST as "no expected version": its SQL looks the stream up and creates it,
        // a racing creation failing on the streams key (an existing stream would be appended to).
        await store.appendToStream<Recorded>(streamId, events.map(toEmmett), {
          expectedStreamVersion: expectedVersion === 0 ? STREAM_DOES_NOT_EXIST : BigInt(expectedVersion),
        });
      },

      async appendAnyVersion(streamId, events) {
        // NO_CONCURRENCY_CHECK still loses a race for the next position to another writer; retry as a caller must.
        for (let tries = 1; ; tries++) {
          try {
            await store.appendToStream<Recorded>(streamId, events.map(toEmmett), { expectedStreamVersion: NO_CONCURRENCY_CHECK });
            return tries;
          } catch (error) {
            if (tries >= ANY_VERSION_TRIES) throw error;
          }
        }
      },

      // Emmett has no bulk or COPY path: its fastest import is appendToStream with a whole stream per call.
      async importStream(streamId, events) {
        await store.appendToStream<Recorded>(streamId, events.map(toEmmett), { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
      },

      // readMessagesBatch is the public function Emmett's consumers pull the global log with; the
      // consumer itself adds polling sleeps and checkpoint writes, which are not part of a read.
      // emt_messages has no index for its order, so every page scans and sorts the table.
      allReader(pageSize) {
        let after = 0n;
        return async () => {
          const page = await readMessagesBatch(db.execute, { after, batchSize: pageSize });
          after = page.currentGlobalPosition;
          return page.messages.length;
        };
      },

      async close() {
        await store.close();
        await pool.end();
      },
    };
  },
};
