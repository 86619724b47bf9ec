import type pg from 'pg';
import { CallLedger, newId, type SimulationOptions } from './simulatedCalls';
import { normalizeLines } from './orderLines';
import { BusinessRejection, type CallContext, type CallOptions, type InventoryService, type OrderLine } from './types';

/** What a sku nobody has stocked holds, so demos need no seeding. */
export const UNSEEDED_STOCK = 1_000_000;

/** The operations fault plans can name for this service. */
export const INVENTORY_OPERATIONS = ['reserveInventory', 'releaseInventory'] as const;

/** Inventory on sim_stock and sim_reservations. */
export class SimulatedInventory implements InventoryService {
  private readonly calls: CallLedger;

  constructor(
    private readonly pool: pg.Pool,
    options: SimulationOptions = {},
  ) {
    this.calls = new CallLedger(pool, options);
  }

  async reserve(call: CallContext & { orderId: string; items: OrderLine[] }, options?: CallOptions): Promise<{ reservationId: string }> {
    const { orderId } = call;
    const items = normalizeLines(`reserve for order ${orderId}`, call.items);
    return this.calls.run(
      'reserveInventory',
      call,
      { orderId, items },
      async (client) => {
        const available = await lockStock(client, items);
        const short = items.filter((line) => available.get(line.sku)! < line.quantity);
        if (short.length > 0) {
          const detail = short.map((line) => `${line.sku} (${line.quantity} wanted, ${available.get(line.sku)} available)`).join(', ');
          throw new BusinessRejection('out_of_stock', `order ${orderId}: not enough stock of ${detail}`);
        }
        await adjustStock(client, items, -1);
        const reservationId = newId('res');
        await client.query('insert into sim_reservations (reservation_id, order_id, items) values ($1, $2, $3::jsonb)', [
          reservationId,
          orderId,
          JSON.stringify(items),
        ]);
        return { reservationId };
      },
      options,
    );
  }

  async release(call: CallContext & { orderId: string; reservationId: string }, options?: CallOptions): Promise<void> {
    const { orderId, reservationId } = call;
    await this.calls.run(
      'releaseInventory',
      call,
      { orderId, reservationId },
      async (client) => {
        const { rows } = await client.query<{ order_id: string; items: OrderLine[] }>(
          `update sim_reservations set status = 'released', released_at = now()
            where reservation_id = $1 and status = 'reserved' returning order_id, items`,
          [reservationId],
        );
        const reservation = rows[0];
        if (!reservation) return; // unknown or released before: nothing to give back
        if (reservation.order_id !== orderId) {
          throw new BusinessRejection('invalid_request', `reservation ${reservationId} belongs to order ${reservation.order_id}, not ${orderId}`);
        }
        await lockStock(client, reservation.items);
        await adjustStock(client, reservation.items, +1);
      },
      options,
    );
  }

  /** The reservation the reserve call with this key made, if it succeeded (see CallLedger.succeeded). */
  async findReservation(idempotencyKey: string): Promise<string | undefined> {
    const call = await this.calls.succeeded('reserveInventory', idempotencyKey);
    return (call?.result as { reservationId: string } | undefined)?.reservationId;
  }

  /** Sets a sku's available stock (tests and demos). */
  async setStock(sku: string, available: number): Promise<void> {
    await this.pool.query('insert into sim_stock (sku, available) values ($1, $2) on conflict (sku) do update set available = excluded.available', [
      sku,
      available,
    ]);
  }

  /** A sku's available stock. */
  async stockOf(sku: string): Promise<number> {
    const { rows } = await this.pool.query<{ available: number }>('select available from sim_stock where sku = $1', [sku]);
    return rows[0]?.available ?? UNSEEDED_STOCK;
  }
}

/**
 * Locks the lines' stock rows, creating unseeded ones, and returns what each has. Every call takes
 * rows in the database's sku order, so calls sharing skus queue instead of deadlocking.
 */
async function lockStock(client: pg.PoolClient, items: OrderLine[]): Promise<Map<string, number>> {
  const skus = items.map((line) => line.sku);
  await client.query('insert into sim_stock (sku, available) select sku, $2 from unnest($1::text[]) as sku order by sku on conflict (sku) do nothing', [
    skus,
    UNSEEDED_STOCK,
  ]);
  const { rows } = await client.query<{ sku: string; available: number }>(
    'select sku, available from sim_stock where sku = any($1::text[]) order by sku for update',
    [skus],
  );
  return new Map(rows.map((row) => [row.sku, row.available]));
}

async function adjustStock(client: pg.PoolClient, items: OrderLine[], sign: 1 | -1): Promise<void> {
  await client.query(
    'update sim_stock s set available = s.available + $3::int * w.quantity from unnest($1::text[], $2::int[]) as w(sku, quantity) where s.sku = w.sku',
    [items.map((line) => line.sku), items.map((line) => line.quantity), sign],
  );
}
