import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot, stateDir } from '../../src/infra/paths';
import { CHROMIUM_FLAGS, ensureChromium } from '../support/chromium';
import { useTestDatabase } from '../support/database';
import { testEnv } from '../support/env';
import { planFaults } from '../support/faults';
import { useSagaWorker } from '../support/sagaWorker';
import { waitFor } from '../support/waitFor';

/**
 * A tour of the Temporal Web UI of the test server, as a person inspecting a failed order would
 * make it: find the compensated run by its search attributes, open it, see its compensations and
 * its SagaStatus. The screenshot it takes is the README's (SAGAFLOW_UPDATE_SCREENSHOTS=1 writes it
 * to docs/; otherwise it goes under .sagaflow/test so test runs leave the checkout clean).
 */
describe('the Temporal Web UI shows a compensated order', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_FLAGS });
  }, 10 * 60_000); // a first run may install Chromium
  afterAll(async () => browser?.close());

  it('finds the run by SagaStatus, shows its compensation activities and search attributes', async () => {
    const orderId = `ui-${randomUUID().slice(0, 8)}`;
    await planFaults(db.pool, `order-${orderId}`, { fail: { createShipment: 'always' } });
    await rig.orders.startOrder({
      orderId,
      customerId: 'cust-ui-tour',
      items: [
        { sku: 'pour-over-kettle', quantity: 1, unitPriceCents: 5900 },
        { sku: 'paper-filters-100', quantity: 2, unitPriceCents: 450 },
      ],
      currency: 'USD',
    });
    expect((await rig.orders.awaitOrderResult(orderId)).outcome).toBe('COMPENSATED');
    const query = `SagaStatus = 'COMPENSATED' AND OrderId = '${orderId}'`;
    await waitFor(async () => (await rig.temporal.client.workflow.count(query)).count === 1);

    const ui = testEnv('temporalUiUrl');
    const namespace = encodeURIComponent(testEnv('temporalNamespace'));
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    try {
      await page.goto(`${ui}/namespaces/${namespace}/workflows?query=${encodeURIComponent(query)}`);
      await page.getByRole('link', { name: `order-${orderId}` }).first().click();
      await page.waitForURL(/\/history/);

      // The timeline labels each activity with its type and summary: the three compensations ran.
      for (const label of ['cancelShipment', 'voidPayment • Void the 68.00 USD authorization', 'releaseInventory • Release 3 items']) {
        await page.getByText(label).first().waitFor({ state: 'visible', timeout: 15_000 });
      }
      const screenshot = process.env.SAGAFLOW_UPDATE_SCREENSHOTS === '1' ? path.join(repoRoot, 'docs', 'web-ui-compensated-order.png') : stateDir('test', 'screenshots', 'web-ui-compensated-order.png');
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot });
      expect(fs.readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

      await page.getByRole('tab', { name: 'Search Attributes' }).click();
      // The tab shows the attributes as JSON; a timeout naming the text fails the test unless both are there.
      for (const text of ['"SagaStatus": "COMPENSATED"', `"OrderId": "${orderId}"`]) {
        await page.locator('main').filter({ hasText: text }).waitFor({ state: 'visible', timeout: 15_000 });
      }
    } finally {
      await page.close();
    }
  });
});
