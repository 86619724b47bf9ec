import { createOrderClient, type OrderClient } from '../../processes/orderFulfillment/client';
import { createTransferClient, type TransferClient } from '../../processes/moneyTransfer/client';
import { createSagaWorker } from '../../workers/sagaWorker';
import type { TestDatabase } from './database';
import { connectTestTemporal, type TestTemporal } from './temporal';

export interface SagaTestRig {
  temporal: TestTemporal;
  orders: OrderClient;
  transfers: TransferClient;
}

/**
 * A saga worker serving this test file's task queue for the whole file, against its database and
 * the run's Temporal dev server. The returned object is filled in by beforeAll.
 */
export function useSagaWorker(db: TestDatabase): SagaTestRig {
  const rig = {} as SagaTestRig;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const temporal = await connectTestTemporal();
    const worker = await createSagaWorker({
      connection: temporal.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      pool: db.pool,
      workflowBundle: temporal.workflowBundle,
    });
    const running = worker.run();
    stop = async () => {
      worker.shutdown();
      await running;
      await temporal.close();
    };
    const clientOptions = { client: temporal.client, taskQueue: temporal.taskQueue };
    Object.assign(rig, { temporal, orders: createOrderClient(clientOptions), transfers: createTransferClient(clientOptions) });
  });
  afterAll(async () => {
    await stop?.();
  });
  return rig;
}
