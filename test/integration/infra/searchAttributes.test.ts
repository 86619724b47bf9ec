import { randomUUID } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { composition } from '../../../processes';
import { useTestDatabase } from '../../support/database';
import { testEnv } from '../../support/env';
import { spawnSagaWorker } from '../../support/workerProcess';

describe('the standalone saga worker sets up its namespace', () => {
  const db = useTestDatabase();

  it("registers every search attribute of the composition root that a namespace lacks, and says which", async () => {
    const connection = await Connection.connect({ address: testEnv('temporalAddress') });
    const namespace = `fresh-${randomUUID().slice(0, 8)}`;
    try {
      await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
      const before = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
      expect(composition.searchAttributes.filter((key) => key.name in before)).toEqual([]);

      const worker = await spawnSagaWorker({ databaseUrl: db.url, taskQueue: `setup-${randomUUID()}`, namespace });
      await worker.stop();

      const after = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
      const names = composition.searchAttributes.map((key) => key.name);
      expect(names.filter((name) => !(name in after))).toEqual([]);
      expect(worker.output()).toContain(`registered the search attributes ${names.join(', ')} in namespace '${namespace}'`);
    } finally {
      await connection.close();
    }
  }, 120_000);
});
