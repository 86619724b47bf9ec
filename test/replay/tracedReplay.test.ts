import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { readHistoryFiles } from '../../src/histories';
import { workflowBundleOptions } from '../../workers/workflowBundle';
import { HISTORIES_DIR } from './replayHistories';

/**
 * The recorded histories were made by untraced workers. A worker that starts tracing must still
 * replay every one of them: the tracing interceptors add headers and spans, never commands.
 */
describe('replay of the recorded histories with the tracing interceptors bundled', () => {
  it('replays every history', async () => {
    const histories = readHistoryFiles(HISTORIES_DIR);
    const silent = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const workflowBundle = await bundleWorkflowCode({ logger: silent, ...workflowBundleOptions({ tracing: true }) });
    const failures: string[] = [];
    const results = Worker.runReplayHistories(
      { workflowBundle, replayName: 'sagaflow-traced-replay', sinks: { exporter: { export: { fn: () => undefined } } } },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    let replayed = 0;
    for await (const result of results) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  });
});
