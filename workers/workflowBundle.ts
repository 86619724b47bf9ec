import { composition } from '../processes';
import { compositionBundleOptions, type WorkflowBundleOptions, type WorkflowBundleSettings } from './compositionBundle';

export type { WorkflowBundleSettings } from './compositionBundle';

/** The bundle options of this repository's processes (processes/index.ts). */
export function workflowBundleOptions(settings: WorkflowBundleSettings = {}): WorkflowBundleOptions {
  return compositionBundleOptions(composition, settings);
}
