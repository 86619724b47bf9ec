import fs from 'node:fs';
import path from 'node:path';
import { OrderPlaced } from '../../../processes/orderFulfillment/domainEvents';
import { orderPlacedV1ToV2 } from '../../../processes/orderFulfillment/upcasters/orderPlacedV1ToV2';
import { contracts } from '../../support/contracts';

const storedV1 = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/events/OrderPlaced.v1.json'), 'utf8')) as {
  event_type: string;
  schema_version: number;
  data: unknown;
};

describe('orderPlacedV1ToV2', () => {
  it('turns the stored v1 sample into a valid v2 payload, rounding dollars to the nearest cent', () => {
    const upcast = orderPlacedV1ToV2.up(storedV1.data);

    expect(upcast).toEqual({
      orderId: 'ord-2025-000417',
      customerId: 'cust-88',
      items: [
        { sku: 'espresso-cup', quantity: 2 },
        { sku: 'beans-1kg', quantity: 1 },
      ],
      totalCents: 4235, // 42.345 → 4234.5 cents → halves round away from zero
      currency: 'USD',
    });
    expect(OrderPlaced.schema.safeParse(upcast).success).toBe(true);
  });

  it('is the chain the registry applies to stored v1 rows', () => {
    expect(contracts.upcast(storedV1.event_type, storedV1.schema_version, storedV1.data)).toEqual({
      schemaVersion: 2,
      data: orderPlacedV1ToV2.up(storedV1.data),
    });
    expect(contracts.latestVersion('OrderPlaced')).toBe(2);
  });
});
