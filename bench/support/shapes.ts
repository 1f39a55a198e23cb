/**
 * The benchmark definitions, built the same way by every bench: a chain, a fan-out/fan-in and a
 * seeded layered random DAG of `builtin.noop` nodes, and the seeded generator they and the chaos
 * schedule use.
 */
import type { Definition, EdgeDefinition } from '../../workflows/definition/types';

const noop = (id: string) => ({ id, type: 'builtin.noop' });

/** mulberry32: a small seeded generator in [0, 1); a seed gives the same sequence on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` nodes one after another. */
export function chain(n: number): Definition {
  const nodes = Array.from({ length: n }, (_, i) => noop(`n${i}`));
  return { name: `chain-${n}`, nodes, edges: nodes.slice(1).map((node, i) => ({ from: nodes[i].id, to: node.id })) };
}

/** `start`, `middle` parallel nodes, `end`. */
export function fanout(middle: number): Definition {
  const nodes = Array.from({ length: middle }, (_, i) => noop(`n${i}`));
  return {
    name: `fanout-${middle + 2}`,
    nodes: [noop('start'), ...nodes, noop('end')],
    edges: [...nodes.map((m) => ({ from: 'start', to: m.id })), ...nodes.map((m) => ({ from: m.id, to: 'end' }))],
  };
}

/** Layers of 20 to 80 nodes; each node has 1 to 3 parents drawn from the layer before. Seeded. */
export function layeredRandom(n: number, seed = 42): Definition {
  const random = seeded(seed);
  const nodes = Array.from({ length: n }, (_, i) => noop(`n${i}`));
  const edges: EdgeDefinition[] = [];
  let previous: string[] = [];
  let i = 0;
  while (i < n) {
    const width = Math.min(n - i, 20 + Math.floor(random() * 61));
    const layer = nodes.slice(i, i + width).map((node) => node.id);
    if (previous.length > 0) {
      for (const id of layer) {
        const parents = new Set<string>();
        const count = 1 + Math.floor(random() * 3);
        while (parents.size < Math.min(count, previous.length)) {
          parents.add(previous[Math.floor(random() * previous.length)]);
        }
        for (const from of parents) edges.push({ from, to: id });
      }
    }
    previous = layer;
    i += width;
  }
  return { name: `layered-${n}`, nodes, edges };
}
