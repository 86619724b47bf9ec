import { spawnSync } from 'node:child_process';
import { findOnPath } from '../../src/infra/executables';

/** The flags the browser test runs Chromium with: headless, as root in a container, no network chatter. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

/**
 * A Chromium to drive: CHROMIUM_PATH, one on PATH, or Debian's package installed with apt-get
 * (as root, which CI machines and containers are). Anything else is a clear error saying what to do.
 */
export function ensureChromium(log: (line: string) => void = (line) => process.stderr.write(`[chromium] ${line}\n`)): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  const found = CANDIDATES.map(findOnPath).find(Boolean);
  if (found) return found;
  if (process.getuid?.() !== 0 || !findOnPath('apt-get')) {
    throw new Error('no Chromium found: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH to its executable');
  }
  log('installing Debian\'s chromium package with apt-get (once per machine)');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status}):\n${(result.stderr || result.stdout).slice(-2000)}`);
  }
  const installed = findOnPath('chromium');
  if (!installed) throw new Error('apt-get installed chromium, yet no chromium is on PATH');
  return installed;
}
