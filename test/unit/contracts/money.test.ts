import fc from 'fast-check';
import { dollarsToCents } from '../../../src/contracts';

describe('dollarsToCents', () => {
  it.each([
    [0, 0],
    [19.99, 1999],
    ['19.99', 1999],
    [1.005, 101], // 1.005 * 100 is 100.49999999999999 in binary floating point
    ['10.125', 1013],
    [0.004, 0],
    ['-0.005', -1],
    [1e-7, 0],
    ['7', 700],
    ['7.', 700],
  ])('converts %p to %p cents', (dollars, cents) => {
    expect(dollarsToCents(dollars)).toBe(cents);
  });

  it.each(['', 'abc', '1,50', '1.2.3', NaN, Infinity])('rejects %p', (value) => {
    expect(() => dollarsToCents(value)).toThrow(/dollar amount/);
  });

  it('is exact for every amount written with at most two decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), (cents) => {
        const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
        expect(dollarsToCents(text)).toBe(cents);
        expect(dollarsToCents(Number(text))).toBe(cents);
      }),
    );
  });
});
