import { buildGraph } from './graph';

describe(buildGraph.name, () => {
  it('lists each node’s successors in the order the edges were written, with the edge behind each', () => {
    // Edges 0..4: 2->0, 0->2, 0->1, 2->1, 1->2 (edge 3 was dropped by the validator, so absent).
    const graph = buildGraph(4, [2, 0, 0, 1], [0, 2, 1, 2], [0, 1, 2, 4]);
    const successors = (node: number) => Array.from(graph.targets.subarray(graph.start[node], graph.start[node + 1]));
    const edgesOf = (node: number) => Array.from(graph.edges.subarray(graph.start[node], graph.start[node + 1]));
    expect([0, 1, 2, 3].map(successors)).toEqual([[2, 1], [2], [0], []]);
    expect([0, 1, 2, 3].map(edgesOf)).toEqual([[1, 2], [4], [0], []]);
    expect(Array.from(graph.indegree)).toEqual([1, 1, 2, 0]);
  });

  it('has no edges for a definition without any', () => {
    const graph = buildGraph(2, [], [], []);
    expect(Array.from(graph.start)).toEqual([0, 0, 0]);
    expect(graph.targets.length).toBe(0);
  });
});
