/**
 * The edges of a definition as a graph over node indexes, in compressed rows: one typed array of
 * successors for the whole graph instead of two arrays per node (a 10,000-node definition
 * allocated 20,000 small arrays for them). Pure.
 *
 * @example
 * const graph = buildGraph(3, [0, 0], [1, 2], [0, 1]);
 * for (let k = graph.start[0]; k < graph.start[1]; k++) graph.targets[k]; // 1, then 2
 */
export interface Graph {
  /** The successors of node n sit at `start[n]` up to (not including) `start[n + 1]`. */
  readonly start: Int32Array;
  /** Successor node indexes, each node's in the order its edges were written. */
  readonly targets: Int32Array;
  /** The index (in `edges` of the definition) of the edge behind each entry of `targets`. */
  readonly edges: Int32Array;
  readonly indegree: Int32Array;
}

/** The graph of `count` nodes with edges `from[i] -> to[i]`, the i-th being the definition's edge `edges[i]`. */
export function buildGraph(
  count: number,
  from: readonly number[],
  to: readonly number[],
  edges: readonly number[],
): Graph {
  const start = new Int32Array(count + 1);
  const indegree = new Int32Array(count);
  for (let i = 0; i < from.length; i++) {
    start[from[i] + 1]++;
    indegree[to[i]]++;
  }
  for (let node = 0; node < count; node++) start[node + 1] += start[node];
  const next = start.slice(0, count);
  const targets = new Int32Array(from.length);
  const edgeIndexes = new Int32Array(from.length);
  for (let i = 0; i < from.length; i++) {
    const at = next[from[i]]++;
    targets[at] = to[i];
    edgeIndexes[at] = edges[i];
  }
  return { start, targets, edges: edgeIndexes, indegree };
}
