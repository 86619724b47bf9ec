import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { readHistoryFiles } from '../../../src/histories';
import { useTestDatabase } from '../../support/database';
import { cliEnv, runSagaflow } from '../../support/cli';
import { useSagaWorker } from '../../support/sagaWorker';
import { waitFor } from '../../support/waitFor';
import { bundleWorkflows, replayAll } from '../../replay/replayHistories';

describe('sagaflow histories export', () => {
  const db = useTestDatabase();
  const rig = useSagaWorker(db);
  let out: string;

  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'sagaflow-histories-'));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  const cli = (...args: string[]) => runSagaflow(args, cliEnv(db, rig));

  const completedOrder = async () => {
    const orderId = randomUUID();
    await rig.orders.startOrder({ orderId, customerId: 'cust-export', items: [{ sku: 'mug', quantity: 1, unitPriceCents: 900 }], currency: 'USD' });
    await rig.orders.awaitOrderResult(orderId);
    return `order-${orderId}`;
  };

  it('writes a finished run as <type>/<workflow-id>.json that the replay suite reads and replays', async () => {
    const workflowId = await completedOrder();

    const { code, stdout } = await cli('histories', 'export', workflowId, '--out', out, '--json');

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([expect.objectContaining({ workflowId, workflowType: 'orderFulfillment' })]);
    const files = readHistoryFiles(out);
    expect(files.map((f) => [f.file, f.workflowId, f.workflowType])).toEqual([[path.join('orderFulfillment', `${workflowId}.json`), workflowId, 'orderFulfillment']]);
    const [outcome] = await replayAll(await bundleWorkflows(), files);
    expect(outcome).toEqual({ file: files[0]!.file, workflowId });
  });

  it('exports the runs a visibility query finds, up to --limit', async () => {
    const ids = [await completedOrder(), await completedOrder()];
    const query = `WorkflowId = '${ids[0]}' OR WorkflowId = '${ids[1]}'`;
    // Visibility catches up with a run shortly after it closes.
    await waitFor(async () => (await rig.temporal.client.workflow.count(query)).count === 2);

    const { code } = await cli('histories', 'export', '--query', query, '--limit', '1', '--out', out);

    expect(code).toBe(0);
    const written = readHistoryFiles(out).map((f) => f.workflowId);
    expect(written).toHaveLength(1);
    expect(ids).toContain(written[0]);
  });

  it('refuses bad usage with exit code 2 and one line, writing nothing', async () => {
    const both = await cli('histories', 'export', 'order-1', '--query', "WorkflowType = 'x'", '--out', out);
    const limit = await cli('histories', 'export', '--query', "WorkflowType = 'x'", '--limit', '0', '--out', out);

    expect([both.code, limit.code]).toEqual([2, 2]);
    expect(both.stderr.trim()).toBe('error: give workflow ids or --query, not both');
    expect(limit.stderr.trim().split('\n')).toHaveLength(1);
    expect(limit.stderr).toContain('--limit must be a whole number of at least 1');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('fails with exit code 1 naming a workflow that does not exist', async () => {
    const { code, stderr } = await cli('histories', 'export', 'order-does-not-exist', '--out', out);

    expect(code).toBe(1);
    expect(stderr).toMatch(/order-does-not-exist/);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
