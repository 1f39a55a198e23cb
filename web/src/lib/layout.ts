/**
 * Automatic layout of a definition's DAG, left to right (dagre): for imported, YAML-edited and
 * large graphs, and for every read-only view.
 */
import { Graph, layout } from '@dagrejs/dagre';
import { isGatewayType, type Definition } from './definition';

export interface Position {
  x: number;
  y: number;
}

export const TASK_SIZE = { width: 200, height: 62 };
export const GATEWAY_SIZE = { width: 60, height: 60 };

export function nodeSize(type: string): { width: number; height: number } {
  return isGatewayType(type) ? GATEWAY_SIZE : TASK_SIZE;
}

/**
 * Positions (top-left corners, as React Flow wants them) for every node of the definition.
 * Edges naming unknown nodes are ignored: the validator reports them.
 */
export function layoutDefinition(definition: Definition): Map<string, Position> {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 60, edgesep: 12, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set<string>();
  for (const node of definition.nodes) {
    if (ids.has(node.id)) continue;
    ids.add(node.id);
    graph.setNode(node.id, { ...nodeSize(node.type) });
  }
  (definition.edges ?? []).forEach((edge, index) => {
    if (ids.has(edge.from) && ids.has(edge.to) && edge.from !== edge.to) {
      // Room for the condition label between the two ranks, so it does not sit on a node.
      const label = edge.default ? (edge.when ? `default · ${edge.when}` : 'default') : (edge.when ?? '');
      const text = label.length > 36 ? 36 : label.length;
      graph.setEdge(edge.from, edge.to, text ? { width: text * 6.2 + 12, height: 16, labelpos: 'c' } : {}, `e${index}`);
    }
  });
  layout(graph);
  const positions = new Map<string, Position>();
  for (const id of ids) {
    const laid = graph.node(id) as { x: number; y: number; width: number; height: number } | undefined;
    if (laid) positions.set(id, { x: laid.x - laid.width / 2, y: laid.y - laid.height / 2 });
  }
  return positions;
}
