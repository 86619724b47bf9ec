/**
 * `npm run bundle:workflows -- <out.js> [--retries fast] [--tracing]`: bundles the composition's
 * workflows once, for workers that should not bundle at start (a container image, whose checkout is
 * read-only); point SAGAFLOW_WORKFLOW_BUNDLE at the file. `--tracing` bundles the OpenTelemetry
 * workflow interceptors, so workflow spans are exported where OTEL_EXPORTER_OTLP_ENDPOINT is set.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Command, Option } from 'commander';
import { workflowBundleOptions } from './workflowBundle';

async function bundle(out: string, retries: 'standard' | 'fast', tracing: boolean): Promise<void> {
  const { code } = await bundleWorkflowCode(workflowBundleOptions({ retries, tracing }));
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, code);
  console.log(`workflow bundle (${retries} retries${tracing ? ', traced' : ''}, ${(code.length / 1024).toFixed(0)} KiB) written to ${out}`);
}

void new Command('bundle:workflows')
  .description("Bundle the composition's workflows into one file for SAGAFLOW_WORKFLOW_BUNDLE")
  .argument('<out>', 'the bundle file to write')
  .addOption(new Option('--retries <profile>', 'the retry profile bundled in').choices(['standard', 'fast']).default('standard'))
  .option('--tracing', 'bundle the OpenTelemetry workflow interceptors', false)
  .action((out: string, options: { retries: 'standard' | 'fast'; tracing: boolean }) => bundle(out, options.retries, options.tracing))
  .parseAsync()
  .catch((error: unknown) => {
    console.error(`bundle:workflows: ${(error as Error).message}`);
    process.exit(1);
  });
