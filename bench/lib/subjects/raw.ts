import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { STREAM_TYPE, type BenchEvent } from '../payloads';
import { stockPool } from '../pools';
import { ANY_VERSION_TRIES } from './subject';
import type { Subject, SubjectSession } from './subject';

/**
 * The ceiling: the cheapest SQL doing the same durable work as an event store append (one row per
 * event, optimistic concurrency from the (stream_id, version) key, global order from an identity),
 * with none of a store's extras. The table mirrors what sagaflow writes.
 */
const SCHEMA = `
create table events (
  global_position bigint generated always as identity primary key,
  event_id uuid not null unique,
  stream_id text not null,
  stream_type text not null,
  version bigint not null,
  event_type text not null,
  schema_version int not null,
  data jsonb not null,
  metadata jsonb not null,
  created_at timestamptz not null default now(),
  unique (stream_id, version)
)`;

// One statement for any batch size, so it is prepared once per connection (named below).
const APPEND = `
insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata)
select e.event_id, $2, $3, e.version, $4, 1, e.data, e.metadata
  from unnest($1::uuid[], $5::bigint[], $6::jsonb[], $7::jsonb[]) as e(event_id, version, data, metadata)`;

// The next version read and taken in one statement; a racing writer that took it first fails the unique key.
const APPEND_ANY = `
insert into events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata)
select $1, $2, $3, coalesce((select max(version) from events where stream_id = $2), 0) + 1, $4, 1, $5, $6`;

const COPY = `copy events (event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata) from stdin (format csv)`;

const READ_PAGE = `
select global_position, event_id, stream_id, stream_type, version, event_type, schema_version, data, metadata, created_at
  from events where global_position > $1 order by global_position limit $2`;

function csvField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

function copyRows(streamId: string, events: readonly BenchEvent[]): string {
  const stream = csvField(streamId);
  return events
    .map((event, index) =>
      [event.eventId, stream, STREAM_TYPE, index + 1, event.type, 1, csvField(JSON.stringify(event.data)), csvField(JSON.stringify(event.metadata))].join(',') + '\n',
    )
    .join('');
}

function session(pool: pg.Pool): SubjectSession {
  return {
    async append(streamId, events, expectedVersion) {
      // A taken (stream_id, version) fails the whole statement with a unique violation: the conflict.
      await pool.query({
        name: 'raw_append',
        text: APPEND,
        values: [
          events.map((event) => event.eventId),
          streamId,
          STREAM_TYPE,
          events[0]?.type,
          events.map((_, index) => expectedVersion + index + 1),
          events.map((event) => JSON.stringify(event.data)),
          events.map((event) => JSON.stringify(event.metadata)),
        ],
      });
    },

    async appendAnyVersion(streamId, events) {
      const [event] = events;
      for (let tries = 1; ; tries++) {
        try {
          await pool.query({
            name: 'raw_append_any',
            text: APPEND_ANY,
            values: [event!.eventId, streamId, STREAM_TYPE, event!.type, JSON.stringify(event!.data), JSON.stringify(event!.metadata)],
          });
          return tries;
        } catch (error) {
          if ((error as { code?: string }).code !== '23505' || tries >= ANY_VERSION_TRIES) throw error;
        }
      }
    },

    async importStream(streamId, events) {
      const client = await pool.connect();
      try {
        await pipeline(Readable.from([copyRows(streamId, events)]), client.query(copyFrom(COPY)));
      } finally {
        client.release();
      }
    },

    allReader(pageSize) {
      let after = '0';
      return async () => {
        const { rows } = await pool.query<{ global_position: string }>({ name: 'raw_read_page', text: READ_PAGE, values: [after, pageSize] });
        const last = rows[rows.length - 1];
        if (last) after = last.global_position;
        return rows.length;
      };
    },

    close: () => pool.end(),
  };
}

export const rawSubject: Subject = {
  name: 'raw',
  async prepare(databaseUrl) {
    const pool = stockPool(databaseUrl, 1);
    try {
      await pool.query(SCHEMA);
    } finally {
      await pool.end();
    }
  },
  async open(databaseUrl, poolSize) {
    return session(stockPool(databaseUrl, poolSize));
  },
};
