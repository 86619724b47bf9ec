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
 * make it: find the compensated run by its search attributes, see it Failed (not Completed) in the
 * list and its header with the reason, open it, see its compensations, its step table whole and
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

  it('finds the run by SagaStatus, shows it Failed with why, its compensation activities, its whole step table and search attributes', async () => {
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
      // The workflow list says Failed for it, not Completed.
      const row = page.getByTestId('workflows-summary-configurable-table-row').filter({ hasText: `order-${orderId}` });
      await row.getByText('Failed', { exact: true }).waitFor({ state: 'visible', timeout: 15_000 });
      await page.getByRole('link', { name: `order-${orderId}` }).first().click();
      await page.waitForURL(/\/history/);

      // The header: a Failed badge, and the result panel beside it says why, with the failure's type.
      await page.locator('main header').getByText('Failed', { exact: true }).waitFor({ state: 'visible', timeout: 15_000 });
      const result = page.getByTestId('input-and-result');
      for (const text of ['"compensated after createShipment failed: simulated outage', '"SagaCompensated"']) {
        await result.getByText(text).first().waitFor({ state: 'visible', timeout: 15_000 });
      }

      // The timeline labels each activity with its type and summary: the three compensations ran,
      // the shipment's cancellation labelled as conditional (the workflow never saw it created).
      for (const label of [
        'OrderFulfillment.cancelShipment • Cancel the shipment of 3 items, if createShipment took effect',
        'OrderFulfillment.voidPayment • Void the 68.00 USD authorization',
        'OrderFulfillment.releaseInventory • Release 3 items',
      ]) {
        await page.getByText(label, { exact: true }).first().waitFor({ state: 'visible', timeout: 15_000 });
      }
      const screenshot = process.env.SAGAFLOW_UPDATE_SCREENSHOTS === '1' ? path.join(repoRoot, 'docs', 'web-ui-compensated-order.png') : stateDir('test', 'screenshots', 'web-ui-compensated-order.png');
      fs.mkdirSync(path.dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot });
      expect(fs.readFileSync(screenshot).subarray(1, 4).toString()).toBe('PNG');

      // User Metadata: the step table, every step, what each action and each compensation did.
      await page.getByRole('tab', { name: 'User Metadata' }).click();
      const details = page.locator('iframe[title="output"][src*="OrderFulfillment"]');
      const table = details.contentFrame();
      await table.locator('table').waitFor({ state: 'visible', timeout: 15_000 });
      const cells = await table.locator('tbody tr td').allTextContents();
      const rows = Array.from({ length: cells.length / 3 }, (_, i) => cells.slice(i * 3, i * 3 + 3));
      expect(rows).toEqual([
        ['Reserve 3 items', 'done', 'undone'],
        ['Screen 68.00 USD for fraud', 'done', ''],
        ['Authorize 68.00 USD', 'done', 'undone'],
        ['Ship 3 items', expect.stringMatching(/^failed: simulated outage: createShipment/), 'nothing to undo'],
      ]);
      // The UI sizes the frame once, to its content as it measures it: the last row must fit inside it.
      const frame = (await details.boundingBox())!;
      const last = (await table.locator('tbody tr').last().boundingBox())!;
      expect(last.y + last.height).toBeLessThanOrEqual(frame.y + frame.height);

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
