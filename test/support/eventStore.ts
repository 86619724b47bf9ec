import { contracts } from './contracts';
import { createEventStore, type EventStoreOptions } from '../../src/eventstore';
import type { NewEvent } from '../../src/eventstore';
import type { TestDatabase } from './database';
import { randomUUID } from 'node:crypto';

export function testEventStore(db: TestDatabase, options: Partial<EventStoreOptions> = {}) {
  return createEventStore(db.pool, { contracts, ...options });
}

export function orderPlaced(orderId: string, totalCents = 4200): NewEvent {
  return {
    eventId: randomUUID(),
    type: 'OrderPlaced',
    data: { orderId, customerId: 'cust-1', items: [{ sku: 'sku-1', quantity: 2 }], totalCents, currency: 'USD' },
    metadata: { correlationId: `order-${orderId}`, actor: 'test' },
  };
}

export function inventoryReserved(orderId: string): NewEvent {
  return { eventId: randomUUID(), type: 'InventoryReserved', data: { orderId, reservationId: `res-${orderId}`, items: [{ sku: 'sku-1', quantity: 2 }] } };
}

export function orderCompleted(orderId: string): NewEvent {
  return { eventId: randomUUID(), type: 'OrderCompleted', data: { orderId } };
}

export async function countEvents(db: TestDatabase, streamId?: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>('select count(*) as n from events where $1::text is null or stream_id = $1', [streamId ?? null]);
  return Number(rows[0]!.n);
}
