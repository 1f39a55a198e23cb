/**
 * The DAG of a definition on a React Flow canvas: the editor draws and edits it, template pages
 * show it read-only, the run view colours each node by its live state.
 */
import {
  Background,
  Controls,
  Handle,
  MarkerType,
  MiniMap,
  Position as HandlePosition,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Edge,
  type Node,
  type NodeChange,
  type NodeHandle,
  type NodeProps,
  type EdgeChange,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { NodeRun } from '../api/types';
import { gatewaySymbol, isGatewayType, NODE_TYPE_INFO, type Definition, type ProblemIndex } from '../lib/definition';
import { nodeSize, type Position } from '../lib/layout';

/** What is selected on the canvas: a node by id, an edge by its index in `edges`. */
export type Selection = { kind: 'node'; id: string } | { kind: 'edge'; index: number } | null;

export function sameSelection(a: Selection, b: Selection): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'node' && b.kind === 'node') return a.id === b.id;
  if (a.kind === 'edge' && b.kind === 'edge') return a.index === b.index;
  return false;
}

/** The drag-and-drop payload of a palette item. */
export const PALETTE_MIME = 'application/x-switchyard-node-type';

interface DagNodeData extends Record<string, unknown> {
  nodeId: string;
  nodeType: string;
  label: string;
  typeTitle: string;
  status?: string;
  attempts?: number;
  waitingFor?: string | null;
  problems: string[];
  breakpoint?: boolean;
}

type DagNode = Node<DagNodeData>;

const TaskNode = memo(function TaskNode({ data }: NodeProps<DagNode>) {
  const classes = [
    'dag-node',
    data.status ? `status-${data.status.toLowerCase()}` : '',
    data.problems.length ? 'has-problems' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} title={data.problems.join('\n') || undefined}>
      <Handle type="target" position={HandlePosition.Left} />
      <div className="dag-node-title">{data.label}</div>
      <div className="dag-node-sub">{data.typeTitle}</div>
      {data.status && (
        <div className="dag-node-status">
          <span className="dot" aria-hidden="true" />
          {data.status}
          {data.waitingFor ? ` · needs ${data.waitingFor === 'approval' ? 'approval' : 'operator'}` : ''}
          {data.attempts && data.attempts > 1 ? ` · ${data.attempts} attempts` : ''}
        </div>
      )}
      {data.problems.length > 0 && (
        <div className="dag-node-problems" aria-label={`${data.problems.length} problems`}>
          ⚠ {data.problems.length}
        </div>
      )}
      <Handle type="source" position={HandlePosition.Right} />
    </div>
  );
});

const GatewayNode = memo(function GatewayNode({ data }: NodeProps<DagNode>) {
  const classes = [
    'dag-gateway',
    data.status ? `status-${data.status.toLowerCase()}` : '',
    data.problems.length ? 'has-problems' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={classes} title={[data.typeTitle, ...data.problems].join('\n')}>
      <Handle type="target" position={HandlePosition.Left} />
      <div className="dag-gateway-shape">
        <span>{gatewaySymbol(data.nodeType)}</span>
      </div>
      <div className="dag-gateway-label">{data.label}</div>
      {data.problems.length > 0 && (
        <div className="dag-node-problems" aria-label={`${data.problems.length} problems`}>
          ⚠ {data.problems.length}
        </div>
      )}
      <Handle type="source" position={HandlePosition.Right} />
    </div>
  );
});

const NODE_TYPES = { task: TaskNode, gateway: GatewayNode };

const HANDLE = 9;

/** Where the two handles of a node are: the middle of its left (in) and right (out) sides. */
function handlesFor(width: number, height: number): NodeHandle[] {
  const y = height / 2 - HANDLE / 2;
  return [
    { type: 'target', position: HandlePosition.Left, x: -HANDLE / 2, y, width: HANDLE, height: HANDLE },
    { type: 'source', position: HandlePosition.Right, x: width - HANDLE / 2, y, width: HANDLE, height: HANDLE },
  ];
}

export interface DagCanvasProps {
  definition: Definition;
  positions: Map<string, Position>;
  /** Run view: each node's state by node id. */
  states?: Map<string, NodeRun>;
  problems?: ProblemIndex;
  selection: Selection;
  onSelect(selection: Selection): void;
  /** Editor: nodes can be connected, deleted and dropped from the palette. */
  editable?: boolean;
  onMove?(id: string, position: Position): void;
  onConnect?(from: string, to: string): void;
  onDelete?(nodeIds: string[], edgeIndexes: number[]): void;
  onDropType?(type: string, position: Position): void;
  /** Titles of plugin types (`http.request` → `HTTP request`). */
  typeTitles?: Map<string, string>;
  /** The view is fitted again whenever this changes (after an automatic layout). */
  fitKey?: string | number;
  /** Accessible name of the canvas. */
  label: string;
}

function edgeLabel(when: string | undefined, isDefault: boolean | undefined): string | undefined {
  if (isDefault) return when ? `default · ${when}` : 'default';
  if (!when) return undefined;
  return when.length > 36 ? `${when.slice(0, 34)}…` : when;
}

function Canvas(props: DagCanvasProps) {
  const { definition, positions, states, problems, selection, onSelect, editable, typeTitles, fitKey, label } = props;
  const flow = useReactFlow();
  const large = definition.nodes.length > 120;

  /**
   * One React Flow node per definition node. A node whose inputs did not change keeps its object,
   * so React Flow re-renders only what changed (one keystroke in a 300-node graph: one node).
   */
  const cache = useRef(new Map<string, { inputs: unknown[]; node: DagNode }>());
  const built = useMemo<DagNode[]>(() => {
    const previous = cache.current;
    const next = new Map<string, { inputs: unknown[]; node: DagNode }>();
    const result = definition.nodes.map((node, index) => {
      const state = states?.get(node.id);
      const located = problems?.byNode.get(node.id);
      const typeTitle = NODE_TYPE_INFO[node.type]?.title ?? typeTitles?.get(node.type) ?? node.type;
      const selected = selection?.kind === 'node' && selection.id === node.id;
      const position = positions.get(node.id);
      const stateKey = state ? `${state.status}|${state.attempts}|${state.waitingFor ?? ''}` : '';
      const inputs = [node, stateKey, located, typeTitle, selected, position, !!states, index];
      const known = previous.get(node.id);
      if (known && known.inputs.every((value, i) => value === inputs[i])) {
        next.set(node.id, known);
        return known.node;
      }
      const nodeProblems =
        located?.map((p) =>
          p.target.kind === 'node' && p.target.field ? `${p.target.field}: ${p.message}` : p.message,
        ) ?? [];
      const gateway = isGatewayType(node.type);
      const status = states ? (state?.status ?? 'PENDING') : undefined;
      const { width, height } = nodeSize(node.type);
      const built: DagNode = {
        id: node.id,
        type: gateway ? 'gateway' : 'task',
        // Fixed sizes and handle places: nothing waits for the DOM to be measured (fast at 300 nodes).
        width,
        height,
        measured: { width, height },
        handles: handlesFor(width, height),
        position: position ?? { x: 40 + (index % 6) * 240, y: 40 + Math.floor(index / 6) * 110 },
        selected,
        ariaLabel: `${node.name ?? node.id} (${typeTitle})${status ? `, ${status}` : ''}${nodeProblems.length ? `, ${nodeProblems.length} problems` : ''}`,
        data: {
          nodeId: node.id,
          nodeType: node.type,
          label: node.name || node.id,
          typeTitle,
          status,
          attempts: state?.attempts,
          waitingFor: state?.waitingFor ?? null,
          problems: nodeProblems,
        },
      };
      next.set(node.id, { inputs, node: built });
      return built;
    });
    cache.current = next;
    return result;
  }, [definition.nodes, positions, states, problems, selection, typeTitles]);

  // Positions of nodes being dragged, until the drop reports them through onMove.
  const [dragging, setDragging] = useState<Map<string, Position>>(() => new Map());
  const nodes = useMemo<DagNode[]>(
    () =>
      dragging.size === 0
        ? built
        : built.map((node) => {
            const moved = dragging.get(node.id);
            return moved ? { ...node, position: moved, dragging: true } : node;
          }),
    [built, dragging],
  );

  const edgeCache = useRef(new Map<string, { inputs: unknown[]; edge: Edge }>());
  const edges = useMemo<Edge[]>(() => {
    const previous = edgeCache.current;
    const next = new Map<string, { inputs: unknown[]; edge: Edge }>();
    const result = (definition.edges ?? []).map((edge, index) => {
      const id = `e${index}`;
      const edgeProblems = problems?.byEdge.get(index) ?? [];
      const source = states?.get(edge.from);
      const target = states?.get(edge.to);
      const classes: string[] = [];
      if (edgeProblems.length) classes.push('edge-problem');
      if (states) {
        if (target?.status === 'SKIPPED' || source?.status === 'SKIPPED') classes.push('edge-dead');
        else if (source?.status === 'SUCCEEDED' && target && target.status !== 'PENDING') classes.push('edge-taken');
      }
      const className = classes.join(' ') || undefined;
      const selected = selection?.kind === 'edge' && selection.index === index;
      const animated = target?.status === 'RUNNING';
      const inputs = [edge, problems?.byEdge.get(index), className, selected, animated];
      const known = previous.get(id);
      if (known && known.inputs.every((value, i) => value === inputs[i])) {
        next.set(id, known);
        return known.edge;
      }
      const text = edgeLabel(edge.when, edge.default);
      const built: Edge = {
        id,
        source: edge.from,
        target: edge.to,
        label: edgeProblems.length ? `⚠ ${text ?? edgeProblems[0].message}` : text,
        className,
        selected,
        animated,
        markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
        ariaLabel: `Edge from ${edge.from} to ${edge.to}${text ? ` when ${text}` : ''}`,
        labelBgPadding: [4, 2],
        labelBgBorderRadius: 3,
      };
      next.set(id, { inputs, edge: built });
      return built;
    });
    edgeCache.current = next;
    return result;
  }, [definition.edges, problems, states, selection]);

  /** The selection as last reported (ahead of the next render), so the changes of one click agree. */
  const selectionRef = useRef(selection);
  useEffect(() => {
    selectionRef.current = selection;
  }, [selection]);
  const report = useCallback(
    (next: Selection) => {
      if (sameSelection(next, selectionRef.current)) return;
      selectionRef.current = next;
      onSelect(next);
    },
    [onSelect],
  );
  const onMove = props.onMove;

  // The canvas is controlled: selection, moves and sizes become props; nothing is kept twice.
  const onNodesChange = useCallback(
    (changes: NodeChange<DagNode>[]) => {
      const moves: Array<[string, Position, boolean]> = [];
      for (const change of changes) {
        if (change.type === 'position' && change.position) {
          moves.push([change.id, change.position, change.dragging ?? false]);
        } else if (change.type === 'select') {
          if (change.selected) report({ kind: 'node', id: change.id });
          else if (selectionRef.current?.kind === 'node' && selectionRef.current.id === change.id) report(null);
        }
      }
      if (moves.length) {
        setDragging((current) => {
          const next = new Map(current);
          for (const [id, position, active] of moves) {
            if (active) next.set(id, position);
            else next.delete(id);
          }
          return next;
        });
        for (const [id, position, active] of moves) if (!active) onMove?.(id, position);
      }
    },
    [report, onMove],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<Edge>[]) => {
      for (const change of changes) {
        if (change.type !== 'select') continue;
        const index = Number(change.id.slice(1));
        if (change.selected) report({ kind: 'edge', index });
        else if (selectionRef.current?.kind === 'edge' && selectionRef.current.index === index) report(null);
      }
    },
    [report],
  );

  // A node selected from outside the canvas (a list, the problems panel, a new node) comes into view.
  const container = useRef<HTMLDivElement>(null);
  const selectedId = selection?.kind === 'node' ? selection.id : null;
  useEffect(() => {
    if (!selectedId || !container.current) return;
    const position = positions.get(selectedId);
    if (!position) return;
    const kind = definition.nodes.find((candidate) => candidate.id === selectedId)?.type ?? '';
    const size = nodeSize(kind);
    const { x, y, zoom } = flow.getViewport();
    const { width, height } = container.current.getBoundingClientRect();
    const left = position.x * zoom + x;
    const top = position.y * zoom + y;
    const inside =
      zoom >= 0.5 && left >= 0 && top >= 0 && left + size.width * zoom <= width && top + size.height * zoom <= height;
    if (!inside) {
      // The node with its neighbours, readable: after React Flow has the (new) node.
      const around = new Set([selectedId]);
      for (const edge of definition.edges ?? []) {
        if (edge.from === selectedId) around.add(edge.to);
        if (edge.to === selectedId) around.add(edge.from);
      }
      const frame = window.requestAnimationFrame(
        () =>
          void flow.fitView({
            nodes: [...around].map((id) => ({ id })),
            padding: 0.25,
            minZoom: 0.6,
            maxZoom: 1.1,
            duration: 0,
          }),
      );
      return () => window.cancelAnimationFrame(frame);
    }
    // Only a change of the selected node moves the view; positions and definition are read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId, flow]);

  // Small graphs are fitted whole; a large one would be unreadably small, so it opens at a
  // readable zoom on where it starts (the overview map and "go to node" reach the rest).
  useEffect(() => {
    if (fitKey === undefined) return;
    const frame = window.requestAnimationFrame(() => {
      const box = container.current?.getBoundingClientRect();
      if (definition.nodes.length <= 40 || !box) {
        void flow.fitView({ padding: 0.15, maxZoom: 1.2, duration: 0 });
        return;
      }
      let minX = Infinity;
      let minY = Infinity;
      let maxY = -Infinity;
      for (const node of definition.nodes) {
        const position = positions.get(node.id);
        if (!position) continue;
        minX = Math.min(minX, position.x);
        minY = Math.min(minY, position.y);
        maxY = Math.max(maxY, position.y + nodeSize(node.type).height);
      }
      const zoom = Math.max(0.35, Math.min(0.8, (box.height - 40) / Math.max(1, maxY - minY)));
      void flow.setViewport(
        { x: 20 - minX * zoom, y: box.height / 2 - ((minY + maxY) / 2) * zoom, zoom },
        { duration: 0 },
      );
    });
    return () => window.cancelAnimationFrame(frame);
    // Only a new fitKey re-frames the view; the graph at that moment is read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fitKey, flow]);

  const onDragOver = (event: DragEvent) => {
    if (!editable || !event.dataTransfer.types.includes(PALETTE_MIME)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDrop = (event: DragEvent) => {
    const type = event.dataTransfer.getData(PALETTE_MIME);
    if (!editable || !type) return;
    event.preventDefault();
    props.onDropType?.(type, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };

  return (
    <div
      ref={container}
      className="dag-canvas"
      onDragOver={onDragOver}
      onDrop={onDrop}
      aria-label={label}
      role="region"
    >
      <ReactFlow<DagNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(connection) => {
          if (connection.source && connection.target) props.onConnect?.(connection.source, connection.target);
        }}
        onDelete={({ nodes: deletedNodes, edges: deletedEdges }) =>
          props.onDelete?.(
            deletedNodes.map((node) => node.id),
            deletedEdges.map((edge) => Number(edge.id.slice(1))),
          )
        }
        nodesConnectable={!!editable}
        nodesDraggable={!!props.onMove}
        deleteKeyCode={editable ? ['Backspace', 'Delete'] : null}
        multiSelectionKeyCode={null}
        selectionKeyCode={null}
        onlyRenderVisibleElements={large}
        minZoom={0.1}
        maxZoom={2}
        elevateEdgesOnSelect
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} />
        {definition.nodes.length > 12 && (
          <MiniMap pannable zoomable ariaLabel="Overview of the graph" style={{ width: 160, height: 100 }} />
        )}
      </ReactFlow>
    </div>
  );
}

/** The canvas, with its own React Flow store. */
export function DagCanvas(props: DagCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
