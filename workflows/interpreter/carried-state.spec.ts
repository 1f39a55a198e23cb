import type { CarriedNode } from '../contract';
import type { NodeDefinition } from '../definition/types';
import { packNodes, unpackNodes } from './carried-state';

/** 10,000 definition nodes; n1 has a `with` (its input as written), the others none (input `{}`). */
const NODES: NodeDefinition[] = Array.from({ length: 10_000 }, (_, i) => ({
  id: `n${i}`,
  type: 'builtin.noop',
  ...(i === 1 ? { with: { env: 'prod' } } : {}),
}));

// Status codes as encodeNode writes them: 10 is SUCCEEDED with its input as written, 2 without.
describe('packNodes / unpackNodes', () => {
  it('packs nodes that are only numbers, a null output, or an output equal to the input, and round-trips them', () => {
    const entries: Array<[number, CarriedNode]> = [
      [0, [10, 1, 1, 0, 35]],
      [7, [2, 3, 2, 1_234_567, null]],
      [42, [10, 1, 1, 5, 9, { output: null }]],
      [1, [10, 1, 1, 5, 9, { output: { env: 'prod' } }]],
      [3, [10, 1, 1, 5, 9, { output: {} }]],
      [9_999, [0, 0, 0, null, null]],
      [5, [10, -1, 1, -20, 7]],
    ];
    const { packed, rest } = packNodes(entries, NODES);
    expect(rest).toEqual([]);
    expect(packed.split(';')).toHaveLength(7);
    expect(unpackNodes(packed, NODES)).toEqual(entries);
  });

  it('leaves other nodes to the JSON form: another output, an error, an input not as written', () => {
    const otherOutput: [number, CarriedNode] = [3, [10, 1, 1, 0, 4, { output: { ok: true } }]];
    const withError: [number, CarriedNode] = [4, [3, 2, 1, 0, 4, { error: { type: 'E', message: 'm' }, output: null }]];
    // Status 2: the input was not the `with` as written, so an output equal to `{}` says nothing.
    const resolvedInput: [number, CarriedNode] = [6, [2, 1, 1, 0, 4, { output: {} }]];
    const plain: [number, CarriedNode] = [5, [10, 1, 1, 0, 4]];
    const { packed, rest } = packNodes([otherOutput, withError, resolvedInput, plain], NODES);
    expect(rest).toEqual([otherOutput, withError, resolvedInput]);
    expect(unpackNodes(packed, NODES)).toEqual([plain]);
  });

  it('gives each unpacked output its own copy of the input', () => {
    const [[, carried]] = unpackNodes(
      packNodes([[1, [10, 1, 1, 0, 4, { output: { env: 'prod' } }]]], NODES).packed,
      NODES,
    );
    expect(carried[5]!.output).toEqual(NODES[1].with);
    expect(carried[5]!.output).not.toBe(NODES[1].with);
  });

  it('is much smaller than the JSON form for a wide run', () => {
    const entries = NODES.map((_, i): [number, CarriedNode] => [
      i,
      [10, 1, 1, 100_000 + i * 3, 100_005 + i * 3, { output: {} }],
    ]);
    entries[1] = [1, [10, 1, 1, 0, 4]];
    const json = JSON.stringify(Object.fromEntries(entries.map(([i, node]) => [`n${i}`, node])));
    const { packed, rest } = packNodes(entries, NODES);
    expect(rest).toEqual([]);
    expect(packed.length).toBeLessThan(json.length / 2);
  });

  it('reads nothing from an empty text and refuses a malformed one', () => {
    expect(unpackNodes('', NODES)).toEqual([]);
    expect(() => unpackNodes('1,a', NODES)).toThrow(/malformed node/);
    expect(() => unpackNodes('1,a,1,1,zz!,', NODES)).toThrow(/malformed node/);
    expect(() => unpackNodes('zzzz,a,1,1,,', NODES)).toThrow(/malformed node/);
  });
});
