import { execFileSync, spawnSync } from 'node:child_process';

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

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Chromium to drive: CHROMIUM_PATH, one on PATH, or Debian's package installed with apt-get
 * (as root, which CI machines and containers are). Anything else is a clear error saying what to do.
 */
export function ensureChromium(log: (line: string) => void = (line) => process.stderr.write(`[chromium] ${line}\n`)): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  const found = CANDIDATES.map(onPath).find(Boolean);
  if (found) return found;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    throw new Error('no Chromium found: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH to its executable');
  }
  log('installing Debian\'s chromium package with apt-get (once per machine)');
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const result = spawnSync('apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status}):\n${(result.stderr || result.stdout).slice(-2000)}`);
  }
  const installed = onPath('chromium');
  if (!installed) throw new Error('apt-get installed chromium, yet no chromium is on PATH');
  return installed;
}
