import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { testEnv } from './env';

export interface TestTemporal {
  client: Client;
  workerConnection: NativeConnection;
  namespace: string;
  /** A task queue of this test file's own, so workers of parallel test files never steal each other's tasks. */
  taskQueue: string;
  workflowBundle: { codePath: string };
  close(): Promise<void>;
}

export async function connectTestTemporal(): Promise<TestTemporal> {
  const address = testEnv('temporalAddress');
  const namespace = testEnv('temporalNamespace');
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection, namespace }),
    workerConnection,
    namespace,
    taskQueue: `test-${randomUUID()}`,
    workflowBundle: { codePath: testEnv('workflowBundle') },
    async close() {
      await workerConnection.close();
      await connection.close();
    },
  };
}
