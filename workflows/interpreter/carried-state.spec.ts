import type { CarriedNode } from '../contract';
import { packNodes, unpackNodes } from './carried-state';

describe('packNodes / unpackNodes', () => {
  it('packs nodes that are only numbers (or a null output) and round-trips them', () => {
    const entries: Array<[number, CarriedNode]> = [
      [0, [10, 1, 1, 0, 35]],
      [7, [2, 3, 2, 1_234_567, null]],
      [42, [10, 1, 1, 5, 9, { output: null }]],
      [9_999, [0, 0, 0, null, null]],
      [5, [10, -1, 1, -20, 7]],
    ];
    const { packed, rest } = packNodes(entries);
    expect(rest).toEqual([]);
    expect(packed.split(';')).toHaveLength(5);
    expect(unpackNodes(packed)).toEqual(entries);
  });

  it('leaves nodes with other fields (an output, an error) to the JSON form', () => {
    const withOutput: [number, CarriedNode] = [3, [10, 1, 1, 0, 4, { output: { ok: true } }]];
    const withError: [number, CarriedNode] = [4, [3, 2, 1, 0, 4, { error: { type: 'E', message: 'm' }, output: null }]];
    const plain: [number, CarriedNode] = [5, [10, 1, 1, 0, 4]];
    const { packed, rest } = packNodes([withOutput, withError, plain]);
    expect(rest).toEqual([withOutput, withError]);
    expect(unpackNodes(packed)).toEqual([plain]);
  });

  it('is much smaller than the JSON form for a wide run', () => {
    const entries = Array.from({ length: 10_000 }, (_, i): [number, CarriedNode] => [
      i,
      [10, 1, 1, 100_000 + i * 3, 100_005 + i * 3, { output: null }],
    ]);
    const json = JSON.stringify(Object.fromEntries(entries.map(([i, node]) => [`n${i}`, node])));
    const { packed } = packNodes(entries);
    expect(packed.length).toBeLessThan(json.length / 2);
  });

  it('reads nothing from an empty text and refuses a malformed one', () => {
    expect(unpackNodes('')).toEqual([]);
    expect(() => unpackNodes('1,a')).toThrow(/malformed node/);
    expect(() => unpackNodes('1,a,1,1,zz!,')).toThrow(/malformed node/);
  });
});
