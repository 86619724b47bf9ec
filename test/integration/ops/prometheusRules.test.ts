import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../../src/infra/paths';
import { ensurePromtool, promtoolVersion } from '../../support/promtool';

const RULES_DIR = path.join(repoRoot, 'ops', 'prometheus');

/** Runs promtool in the rules' folder (the test file names the rules file relative to itself). */
function promtool(binary: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(binary, args, { cwd: RULES_DIR, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}` };
}

/**
 * The shipped alert rules, as Prometheus would load them and as their unit tests say they behave:
 * each alert firing and not firing, with two workers reporting the same series.
 */
describe('ops/prometheus/sagaflow.rules.yml', () => {
  let binary: string;

  beforeAll(() => {
    binary = ensurePromtool();
    process.stderr.write(`[promtool] ${binary}: ${promtoolVersion(binary)}\n`);
  }, 10 * 60_000); // a first run may fetch promtool

  it('is a rules file Prometheus loads (promtool check rules)', () => {
    const { status, output } = promtool(binary, ['check', 'rules', 'sagaflow.rules.yml']);
    if (status !== 0) throw new Error(`promtool check rules failed (exit ${status}):\n${output}`);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires and stays quiet as its unit tests expect (promtool test rules)', () => {
    const { status, output } = promtool(binary, ['test', 'rules', 'sagaflow.rules.test.yml']);
    if (status !== 0) throw new Error(`promtool test rules failed (exit ${status}):\n${output}`);
    expect(output).toContain('SUCCESS');
  });
});
