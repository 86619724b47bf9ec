import { candidatePrefixes } from '../../../src/adapters/simulatedFaults';

describe('candidatePrefixes', () => {
  it("lists each prefix ending just after a ':', then the whole key, shortest first", () => {
    expect(candidatePrefixes('order-1:reserveInventory')).toEqual(['order-1:', 'order-1:reserveInventory']);
    expect(candidatePrefixes('a:b::c')).toEqual(['a:', 'a:b:', 'a:b::', 'a:b::c']);
  });

  it('gives a key without a colon itself, a key ending with one no duplicate, and an empty key nothing', () => {
    expect(candidatePrefixes('key-1')).toEqual(['key-1']);
    expect(candidatePrefixes('order-1:')).toEqual(['order-1:']);
    expect(candidatePrefixes(':')).toEqual([':']);
    expect(candidatePrefixes('')).toEqual([]);
  });
});
