/** A benchmark was asked for something it cannot do: reported with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How one flag is read: a whole number in a range, an on/off switch, or a parser of its own. */
export type Flag<T> =
  | { key: keyof T; kind: 'count'; min: number; max: number }
  | { key: keyof T; kind: 'switch' }
  | { key: keyof T; kind: 'value'; parse: (raw: string) => T[keyof T] };

/**
 * Reads `--flag value`, `--flag=value` and switches over the defaults; `--help`/`-h` returns 'help'.
 * A bad value or an unknown argument is a UsageError naming the flag and its rule.
 */
export function parseFlags<T extends object>(argv: readonly string[], defaults: T, flags: Record<string, Flag<T>>): T | 'help' {
  const args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === '--help' || name === '-h') return 'help';
    const flag = flags[name];
    if (!flag) throw new UsageError(`unknown argument ${argv[i]}`);
    if (flag.kind === 'switch') {
      (args as Record<keyof T, unknown>)[flag.key] = true;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`${name} needs a value`);
    if (flag.kind === 'value') {
      args[flag.key] = flag.parse(raw);
      continue;
    }
    const value = Number(raw);
    if (!Number.isInteger(value) || value < flag.min || value > flag.max) {
      throw new UsageError(`${name} must be a whole number from ${flag.min} to ${flag.max}, got ${raw}`);
    }
    (args as Record<keyof T, unknown>)[flag.key] = value;
  }
  return args;
}
