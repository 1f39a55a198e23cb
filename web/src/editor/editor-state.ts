/**
 * The editor's state as one reducer: the definition being edited (the single source of truth
 * for the canvas, the forms and the YAML view), node positions, the selection, and undo/redo.
 */
import type { Selection } from '../graph/DagCanvas';
import {
  isGatewayType,
  newNodeId,
  removeNode,
  renameNode,
  type Definition,
  type EdgeDefinition,
  type NodeDefinition,
} from '../lib/definition';
import { layoutDefinition, nodeSize, type Position } from '../lib/layout';

export interface EditorState {
  definition: Definition;
  positions: Map<string, Position>;
  selection: Selection;
  past: Definition[];
  future: Definition[];
  /** Bumped when the view should fit the graph again (load, automatic layout). */
  fitKey: number;
  /** Changed since loaded or saved. */
  dirty: boolean;
}

export type EditorAction =
  | { type: 'load'; definition: Definition }
  | { type: 'replace'; definition: Definition }
  | { type: 'update'; update: (definition: Definition) => Definition }
  | { type: 'addNode'; nodeType: string; position?: Position; after?: string; with?: NodeDefinition['with'] }
  | { type: 'updateNode'; id: string; update: (node: NodeDefinition) => NodeDefinition }
  | { type: 'renameNode'; from: string; to: string }
  | { type: 'deleteNodes'; ids: string[]; edgeIndexes?: number[] }
  | { type: 'connect'; from: string; to: string }
  | { type: 'updateEdge'; index: number; update: (edge: EdgeDefinition) => EdgeDefinition }
  | { type: 'deleteEdges'; indexes: number[] }
  | { type: 'move'; id: string; position: Position }
  | { type: 'select'; selection: Selection }
  | { type: 'layout' }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'saved' };

const HISTORY_LIMIT = 100;

export function initialEditorState(definition: Definition): EditorState {
  return {
    definition,
    positions: layoutDefinition(definition),
    selection: null,
    past: [],
    future: [],
    fitKey: 1,
    dirty: false,
  };
}

/** A new definition, remembered for undo; positions follow renames and removals. */
function commit(state: EditorState, definition: Definition, extra: Partial<EditorState> = {}): EditorState {
  if (definition === state.definition) return { ...state, ...extra };
  return {
    ...state,
    definition,
    past: [...state.past, state.definition].slice(-HISTORY_LIMIT),
    future: [],
    dirty: true,
    ...extra,
  };
}

/** Positions for a definition: known ones kept, missing ones laid out (all of them if many are new). */
function positionsFor(
  definition: Definition,
  known: Map<string, Position>,
): { positions: Map<string, Position>; relaid: boolean } {
  const missing = definition.nodes.filter((node) => !known.has(node.id));
  if (missing.length === 0) return { positions: known, relaid: false };
  const laid = layoutDefinition(definition);
  if (missing.length > 2 || known.size === 0) return { positions: laid, relaid: true };
  const positions = new Map(known);
  for (const node of missing)
    positions.set(node.id, freeSpotNear(positions, laid.get(node.id) ?? { x: 40, y: 40 }, node.type));
  return { positions, relaid: false };
}

function overlaps(positions: Map<string, Position>, spot: Position, type: string): boolean {
  const size = nodeSize(type);
  for (const other of positions.values()) {
    if (Math.abs(other.x - spot.x) < size.width + 10 && Math.abs(other.y - spot.y) < size.height + 14) return true;
  }
  return false;
}

/** `wanted`, or the first spot below it where the node overlaps nothing. */
function freeSpotNear(positions: Map<string, Position>, wanted: Position, type: string): Position {
  let spot = { ...wanted };
  for (let tries = 0; tries < 60 && overlaps(positions, spot, type); tries += 1) spot = { x: spot.x, y: spot.y + 80 };
  return spot;
}

function placeNew(state: EditorState, type: string, after: string | undefined): Position {
  const anchor = after ? state.positions.get(after) : undefined;
  if (anchor) return freeSpotNear(state.positions, { x: anchor.x + 270, y: anchor.y }, type);
  if (state.positions.size === 0) return { x: 40, y: 40 };
  let right = -Infinity;
  let top = Infinity;
  for (const position of state.positions.values()) {
    right = Math.max(right, position.x);
    top = Math.min(top, position.y);
  }
  return freeSpotNear(state.positions, { x: right + 270, y: top }, type);
}

function withoutPositions(positions: Map<string, Position>, ids: string[]): Map<string, Position> {
  const next = new Map(positions);
  for (const id of ids) next.delete(id);
  return next;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'load':
      return initialEditorState(action.definition);
    case 'replace': {
      const { positions, relaid } = positionsFor(action.definition, state.positions);
      const ids = new Set(action.definition.nodes.map((node) => node.id));
      const kept = new Map([...positions].filter(([id]) => ids.has(id)));
      return commit(state, action.definition, { positions: kept, fitKey: relaid ? state.fitKey + 1 : state.fitKey });
    }
    case 'update':
      return commit(state, action.update(state.definition));
    case 'addNode': {
      const taken = new Set(state.definition.nodes.map((node) => node.id));
      const id = newNodeId(action.nodeType, taken);
      const node: NodeDefinition = { id, type: action.nodeType, ...(action.with ? { with: action.with } : {}) };
      const after = action.after && taken.has(action.after) ? action.after : undefined;
      const position = action.position ?? placeNew(state, action.nodeType, after);
      const edges = [...(state.definition.edges ?? [])];
      if (after) edges.push({ from: after, to: id });
      const positions = new Map(state.positions);
      positions.set(id, position);
      return commit(
        state,
        { ...state.definition, nodes: [...state.definition.nodes, node], edges },
        {
          positions,
          selection: { kind: 'node', id },
        },
      );
    }
    case 'updateNode':
      return commit(state, {
        ...state.definition,
        nodes: state.definition.nodes.map((node) => (node.id === action.id ? action.update(node) : node)),
      });
    case 'renameNode': {
      if (action.from === action.to) return state;
      const positions = new Map(state.positions);
      const position = positions.get(action.from);
      positions.delete(action.from);
      if (position) positions.set(action.to, position);
      const selection: Selection =
        state.selection?.kind === 'node' && state.selection.id === action.from
          ? { kind: 'node', id: action.to }
          : state.selection;
      return commit(state, renameNode(state.definition, action.from, action.to), { positions, selection });
    }
    case 'deleteNodes': {
      let definition = state.definition;
      if (action.edgeIndexes?.length) {
        const drop = new Set(action.edgeIndexes);
        definition = { ...definition, edges: (definition.edges ?? []).filter((_, index) => !drop.has(index)) };
      }
      for (const id of action.ids) definition = removeNode(definition, id);
      return commit(state, definition, { positions: withoutPositions(state.positions, action.ids), selection: null });
    }
    case 'connect': {
      const edges = state.definition.edges ?? [];
      if (action.from === action.to) return state;
      if (edges.some((edge) => edge.from === action.from && edge.to === action.to)) return state;
      return commit(
        state,
        { ...state.definition, edges: [...edges, { from: action.from, to: action.to }] },
        {
          selection: { kind: 'edge', index: edges.length },
        },
      );
    }
    case 'updateEdge':
      return commit(state, {
        ...state.definition,
        edges: (state.definition.edges ?? []).map((edge, index) =>
          index === action.index ? action.update(edge) : edge,
        ),
      });
    case 'deleteEdges': {
      const drop = new Set(action.indexes);
      return commit(
        state,
        { ...state.definition, edges: (state.definition.edges ?? []).filter((_, index) => !drop.has(index)) },
        { selection: null },
      );
    }
    case 'move': {
      const positions = new Map(state.positions);
      positions.set(action.id, action.position);
      return { ...state, positions };
    }
    case 'select':
      return { ...state, selection: action.selection };
    case 'layout':
      return { ...state, positions: layoutDefinition(state.definition), fitKey: state.fitKey + 1 };
    case 'undo': {
      const previous = state.past[state.past.length - 1];
      if (!previous) return state;
      const { positions } = positionsFor(previous, state.positions);
      return {
        ...state,
        definition: previous,
        positions,
        past: state.past.slice(0, -1),
        future: [state.definition, ...state.future],
        selection: validSelection(previous, state.selection),
        dirty: true,
      };
    }
    case 'redo': {
      const [next, ...rest] = state.future;
      if (!next) return state;
      const { positions } = positionsFor(next, state.positions);
      return {
        ...state,
        definition: next,
        positions,
        past: [...state.past, state.definition],
        future: rest,
        selection: validSelection(next, state.selection),
        dirty: true,
      };
    }
    case 'saved':
      return { ...state, dirty: false };
  }
}

function validSelection(definition: Definition, selection: Selection): Selection {
  if (selection?.kind === 'node') return definition.nodes.some((node) => node.id === selection.id) ? selection : null;
  if (selection?.kind === 'edge') return (definition.edges ?? [])[selection.index] ? selection : null;
  return null;
}

/** Whether a node type takes `retry`, `timeout` (activity plugins) and `onFailure` (all but gateways). */
export function nodeCapabilities(type: string, isPlugin: boolean): { activity: boolean; onFailure: boolean } {
  return { activity: isPlugin, onFailure: !isGatewayType(type) };
}
