import type { Definition, EdgeDefinition, NodeDefinition } from '../definition/types';

/** Indexes of a definition's graph, built once per run: O(nodes + edges). */
export interface Graph {
  nodes: NodeDefinition[];
  byId: Map<string, NodeDefinition>;
  edges: EdgeDefinition[];
  /** Edge indexes leaving / entering each node, in definition order. */
  outgoing: Map<string, number[]>;
  incoming: Map<string, number[]>;
  /** Nodes without incoming edges: they start the run, together. */
  starts: string[];
}

export function buildGraph(definition: Definition): Graph {
  const edges = definition.edges ?? [];
  const byId = new Map<string, NodeDefinition>();
  const outgoing = new Map<string, number[]>();
  const incoming = new Map<string, number[]>();
  for (const node of definition.nodes) {
    byId.set(node.id, node);
    outgoing.set(node.id, []);
    incoming.set(node.id, []);
  }
  edges.forEach((edge, index) => {
    outgoing.get(edge.from)?.push(index);
    incoming.get(edge.to)?.push(index);
  });
  const starts = definition.nodes.filter((node) => incoming.get(node.id)!.length === 0).map((node) => node.id);
  return { nodes: definition.nodes, byId, edges, outgoing, incoming, starts };
}
