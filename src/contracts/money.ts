/**
 * Converts a dollar amount written as a decimal (a JSON number such as 19.99, or a string such as
 * "19.99") to integer cents, rounding to the nearest cent with halves away from zero: 0.005 → 1,
 * 10.125 → 1013, -0.005 → -1. The conversion works on the decimal digits, not on binary floating
 * point, so 1.005 is 101 cents (1.005 * 100 in floating point is 100.49999999999999).
 */
export function dollarsToCents(amount: number | string): number {
  const text = typeof amount === 'number' ? numberToPlainDecimal(amount) : amount.trim();
  const match = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) throw new Error(`not a decimal dollar amount: ${JSON.stringify(amount)}`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  const cents = BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
  const roundUp = (fraction[2] ?? '0') >= '5';
  const magnitude = cents + (roundUp ? 1n : 0n);
  const result = Number(sign === '-' ? -magnitude : magnitude);
  if (!Number.isSafeInteger(result)) throw new Error(`dollar amount out of range: ${JSON.stringify(amount)}`);
  return result;
}

function numberToPlainDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite dollar amount: ${value}`);
  // Shortest round-tripping representation, expanded out of exponent form (1e-7 → 0.0000001).
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/** An amount for people to read: "12.50 USD". */
export function formatMoney(cents: number, currency: string): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}
