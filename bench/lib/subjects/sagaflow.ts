import { z } from 'zod';
import { migrate } from '../../../src/db/migrate';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { ConcurrencyError, ContractRegistry, createEventStore, defineEvent, MasterKey, PersonalDataCipher, PostgresKeyStore, type Checkpoint } from '../../../src/eventstore';
import { EVENTS_TABLE, GLOBAL_POSITION_KEY, INSERT_GUARD_TRIGGER, STREAM_QUEUE_FUNCTION } from '../../../src/eventstore/tables';
import { EVENT_TYPE } from '../payloads';
import { stockPool } from '../pools';
import { ANY_VERSION_TRIES, type Subject, type SubjectName, type SubjectSession } from './subject';

/** The benchmark's one event type, validated like any domain event (the validation is part of what is measured). */
const benchSchema = z.object({
      orderId: z.string(),
      customerId: z.string(),
      lines: z.array(z.object({ sku: z.string(), qty: z.number().int().positive(), priceCents: z.number().int().nonnegative() })),
      currency: z.string().length(3),
      totalCents: z.number().int().nonnegative(),
      shippingAddress: z.string(),
    });
const benchContracts = new ContractRegistry([defineEvent(EVENT_TYPE, 1, benchSchema)]);
/** The same type with its customer's id and address personal: what sealing them on append and opening them on read costs. */
const personalContracts = new ContractRegistry([
  defineEvent(EVENT_TYPE, 1, benchSchema, { personal: { subject: 'customerId', fields: ['customerId', 'shippingAddress'] } }),
]);

/** One master key per run: the encrypted subject's keys are made and read under it. */
const masterKey = MasterKey.parse(randomBytes(32).toString('base64'));

/** The same store with one guarantee switched off: the difference is that guarantee's price. */
const SWITCHED_OFF: Partial<Record<SubjectName, string>> = {
  unguarded: `drop trigger ${INSERT_GUARD_TRIGGER} on ${EVENTS_TABLE}`,
  unkeyed: `drop index ${GLOBAL_POSITION_KEY}`,
  // Writers no longer wait for each other: 'any' and 'stream_exists' can lose a race again.
  unqueued: `create or replace function ${STREAM_QUEUE_FUNCTION}(p_stream_id text) returns void language sql volatile as $$ select $$`,
};

/** Our store, through its public API, on a pool with node-postgres' stock row parsers. */
export function sagaflowSubjectWith(options: { notify: boolean; name?: 'sagaflow' | 'unguarded' | 'unkeyed' | 'unqueued' | 'encrypted' }): Subject {
  const name = options.name ?? 'sagaflow';
  return {
    name,
    async prepare(databaseUrl) {
      await migrate(databaseUrl);
      const switchOff = SWITCHED_OFF[name];
      if (switchOff) {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(switchOff).finally(() => client.end());
      }
    },
    async open(databaseUrl, poolSize): Promise<SubjectSession> {
      const pool = stockPool(databaseUrl, poolSize);
      const contracts = name === 'encrypted' ? personalContracts.withPersonalData(new PersonalDataCipher(new PostgresKeyStore(pool, masterKey), masterKey)) : benchContracts;
      const store = createEventStore(pool, { contracts, notify: options.notify });
      return {
        async append(streamId, events, expectedVersion) {
          await store.append(streamId, [...events], { expectedVersion: expectedVersion === 0 ? 'no_stream' : expectedVersion });
        },
        async appendAnyVersion(streamId, events) {
          for (let tries = 1; ; tries++) {
            try {
              await store.append(streamId, [...events], { expectedVersion: 'any' });
              return tries;
            } catch (error) {
              // Only the store whose writers do not queue may lose this race, and its caller retries;
              // for every other subject a lost race is the bug the queue exists to prevent, and fails the row.
              if (name !== 'unqueued' || !(error instanceof ConcurrencyError) || tries >= ANY_VERSION_TRIES) throw error;
            }
          }
        },
        // One stream, one batch: the same unit of work as Emmett's one appendToStream per stream.
        async importStream(streamId, events) {
          await store.importEvents(
            events.map((event) => ({ streamId, ...event })),
            { batchSize: events.length },
          );
        },
        allReader(pageSize) {
          let after: Checkpoint | undefined;
          return async () => {
            const page = await store.readAll(after === undefined ? { limit: pageSize } : { after, limit: pageSize });
            after = page.checkpoint;
            return page.events.length;
          };
        },
        close: () => pool.end(),
      };
    },
  };
}

export const sagaflowSubject = sagaflowSubjectWith({ notify: true });
/** Without the insert guard trigger (which checks inserts from outside the append functions). */
export const unguardedSubject = sagaflowSubjectWith({ notify: true, name: 'unguarded' });
/** Without the unique index on global_position. */
export const unkeyedSubject = sagaflowSubjectWith({ notify: true, name: 'unkeyed' });
/** Without the per-stream queue that keeps 'any' and 'stream_exists' appends from losing races. */
export const unqueuedSubject = sagaflowSubjectWith({ notify: true, name: 'unqueued' });
/** Our store with encryption on: every event's customer id and address sealed under the customer's key. */
export const encryptedSubject = sagaflowSubjectWith({ notify: true, name: 'encrypted' });
