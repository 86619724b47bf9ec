import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

/** A recorded workflow history on disk, as the Temporal Web UI and `temporal workflow show -o json` write it. */
export interface HistoryFile {
  /** Path relative to the histories directory, e.g. `orderFulfillment/baseline/completed.json`. */
  file: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

/** A file name anyone can read back: the workflow id with anything outside [A-Za-z0-9._-] replaced. */
export function historyFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  if (!safe) throw new Error(`cannot make a file name from ${JSON.stringify(name)}`);
  return `${safe}.json`;
}

export function writeHistoryFile(dir: string, relativePath: string, history: History): string {
  const target = path.join(dir, relativePath);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Written beside and renamed over, so an interrupted export never leaves half a history behind.
  const partial = `${target}.partial`;
  fs.writeFileSync(partial, `${historyToJSON(history)}\n`);
  fs.renameSync(partial, target);
  return target;
}

/**
 * Every `*.json` history under `dir`, sorted by path. The workflow id and type come from the history
 * itself (its first event), so files can be renamed and regrouped freely.
 */
export function readHistoryFiles(dir: string): HistoryFile[] {
  if (!fs.existsSync(dir)) return [];
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort();
  return files.map((file) => {
    const history = parseHistory(path.join(dir, file));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const workflowType = started?.workflowType?.name;
    if (!started || !workflowType) throw new Error(`${file}: not a workflow history (its first event is not WorkflowExecutionStarted)`);
    // The history does not carry its workflow id: exported and recorded files are named after it.
    return { file, workflowId: path.basename(file, '.json'), workflowType, history };
  });
}

function parseHistory(file: string): History {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  try {
    return historyFromJSON(json);
  } catch (error) {
    throw new Error(`${file}: not a Temporal history (${(error as Error).message})`, { cause: error });
  }
}
