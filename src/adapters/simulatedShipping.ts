import type pg from 'pg';
import { CallLedger, newId, type SimulationOptions } from './simulatedCalls';
import { normalizeLines } from './orderLines';
import type { CallContext, CallOptions, OrderLine, ShippingService } from './types';

export const SIMULATED_CARRIER = 'SimExpress';

/** The operations fault plans can name for this service. */
export const SHIPPING_OPERATIONS = ['createShipment', 'cancelShipment'] as const;

/** Shipments on sim_shipments. */
export class SimulatedShipping implements ShippingService {
  private readonly calls: CallLedger;

  constructor(pool: pg.Pool, options: SimulationOptions = {}) {
    this.calls = new CallLedger(pool, options);
  }

  async createShipment(call: CallContext & { orderId: string; items: OrderLine[] }, options?: CallOptions): Promise<{ shipmentId: string; carrier: string }> {
    const { orderId } = call;
    const items = normalizeLines(`shipment for order ${orderId}`, call.items);
    return this.calls.run(
      'createShipment',
      call,
      { orderId, items },
      async (client) => {
        const shipmentId = newId('shp');
        await client.query('insert into sim_shipments (shipment_id, order_id, items, carrier) values ($1, $2, $3::jsonb, $4)', [
          shipmentId,
          orderId,
          JSON.stringify(items),
          SIMULATED_CARRIER,
        ]);
        return { shipmentId, carrier: SIMULATED_CARRIER };
      },
      options,
    );
  }

  /** The shipment the create call with this key made, if it succeeded (see CallLedger.succeeded). */
  async findShipment(idempotencyKey: string): Promise<string | undefined> {
    const call = await this.calls.succeeded('createShipment', idempotencyKey);
    return (call?.result as { shipmentId: string } | undefined)?.shipmentId;
  }

  async cancelShipment(call: CallContext & { shipmentId: string }, options?: CallOptions): Promise<void> {
    const { shipmentId } = call;
    await this.calls.run(
      'cancelShipment',
      call,
      { shipmentId },
      async (client) => {
        // Unknown or cancelled before: no row matches, nothing happens.
        await client.query(`update sim_shipments set status = 'cancelled', cancelled_at = now() where shipment_id = $1 and status = 'created'`, [shipmentId]);
      },
      options,
    );
  }
}
