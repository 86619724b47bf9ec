const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A duration as people write it — `500ms`, `5s`, `1.5s`, `2m`, `1h`, `30d` — in whole milliseconds, or
 * undefined when the text is not one. A bare number is refused: is `5` seconds or milliseconds?
 */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return undefined;
  const ms = Math.round(Number(match[1]) * UNITS[match[2]!]!);
  return Number.isSafeInteger(ms) && ms >= 1 ? ms : undefined;
}

/** What parseDuration accepts, for error messages. */
export const DURATION_RULE = 'must be a duration like 500ms, 5s, 2m, 1h or 30d';
