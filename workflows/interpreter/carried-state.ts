/**
 * The compact codec of node states carried over a continue-as-new ({@link CarriedNode}). Pure.
 * Compact because a 10,000-node run hands over 10,000 of them next to its plan, and the whole
 * continue-as-new input must stay under Temporal's 2 MB payload limit.
 */
import { NODE_STATUSES, type CarriedNode, type NodeState, type NodeStatus } from '../contract';
import { isGatewayType, type JsonValue, type NodeDefinition } from '../definition/types';

/** Added to the status index when the node's recorded input equals its `with` as written (then not carried). */
const INPUT_IS_WITH = 8;

const FIXED_FIELDS = new Set([
  'id',
  'type',
  'name',
  'status',
  'attempts',
  'executions',
  'startedAt',
  'endedAt',
  'input',
]);

/** What a node's resolved input is when its `with` holds no expression. */
function writtenInput(node: NodeDefinition): JsonValue {
  return isGatewayType(node.type) ? null : (node.with ?? {});
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function offset(time: string | undefined, epochMs: number): number | null {
  return time === undefined ? null : Date.parse(time) - epochMs;
}

/** True when the node is still exactly as a new run creates it (nothing to carry). */
export function isPristine(state: NodeState): boolean {
  return (
    state.status === 'PENDING' &&
    state.executions === 0 &&
    state.attempts === 0 &&
    Object.keys(state).every((key) => FIXED_FIELDS.has(key))
  );
}

/** Encodes one node's state; see {@link CarriedNode} for the layout. */
export function encodeNode(state: NodeState, node: NodeDefinition, epochMs: number): CarriedNode {
  let status = NODE_STATUSES.indexOf(state.status);
  const rest: Partial<NodeState> = {};
  for (const [key, value] of Object.entries(state)) {
    if (!FIXED_FIELDS.has(key) && value !== undefined) (rest as Record<string, unknown>)[key] = value;
  }
  if (state.input !== undefined) {
    if (sameJson(state.input, writtenInput(node))) status += INPUT_IS_WITH;
    else rest.input = state.input;
  }
  const carried: CarriedNode = [
    status,
    state.attempts,
    state.executions,
    offset(state.startedAt, epochMs),
    offset(state.endedAt, epochMs),
  ];
  if (Object.keys(rest).length > 0) carried.push(rest);
  return carried;
}

/** Decodes what {@link encodeNode} made, back into the full node state. */
export function decodeNode(carried: CarriedNode, node: NodeDefinition, epochMs: number): NodeState {
  const [code, attempts, executions, startedAt, endedAt, rest] = carried;
  const status = NODE_STATUSES[code % INPUT_IS_WITH] as NodeStatus | undefined;
  if (!status) throw new Error(`carried state of node ${node.id} has an unknown status code ${code}`);
  const state: NodeState = {
    id: node.id,
    type: node.type,
    ...(node.name ? { name: node.name } : {}),
    status,
    attempts,
    executions,
    ...(startedAt !== null ? { startedAt: new Date(epochMs + startedAt).toISOString() } : {}),
    ...(endedAt !== null ? { endedAt: new Date(epochMs + endedAt).toISOString() } : {}),
    ...(code >= INPUT_IS_WITH ? { input: writtenInput(node) } : {}),
    ...(rest ?? {}),
  };
  return state;
}

/** In {@link packNodes}' text, added to the status code: the node's only other field is a null output. */
const OUTPUT_IS_NULL = 16;
/** Added to the status code: the node's only other field is an output equal to its input as written. */
const OUTPUT_IS_INPUT = 32;

const BASE36 = /^-?[0-9a-z]+$/;
const num = (value: number | null): string => (value === null ? '' : value.toString(36));
const unnum = (text: string): number | null =>
  text === '' ? null : BASE36.test(text) ? parseInt(text, 36) : Number.NaN;

/** The flag that lets a node's extra fields be left out of the packed text, or undefined when they cannot be. */
function outputFlag(carried: CarriedNode, node: NodeDefinition): number | undefined {
  const [code, , , , , other] = carried;
  const keys = other ? Object.keys(other) : [];
  if (keys.length === 0) return 0;
  if (keys.length !== 1 || keys[0] !== 'output') return undefined;
  if (other!.output === null) return OUTPUT_IS_NULL;
  return code >= INPUT_IS_WITH && sameJson(other!.output, writtenInput(node)) ? OUTPUT_IS_INPUT : undefined;
}

/**
 * Packs the carried nodes that are only numbers (and an output that is null or equals the input as
 * written): `index,code,attempts,executions,startedAt,endedAt` in base 36 per node (index into
 * `nodes`, the definition's, empty for an unset time), `;` between nodes. Returns the packed text and
 * the nodes it could not pack (they carry as {@link CarriedNode}).
 */
export function packNodes(
  entries: Array<[number, CarriedNode]>,
  nodes: readonly NodeDefinition[],
): { packed: string; rest: Array<[number, CarriedNode]> } {
  const parts: string[] = [];
  const rest: Array<[number, CarriedNode]> = [];
  for (const [index, carried] of entries) {
    const flag = outputFlag(carried, nodes[index]);
    if (flag === undefined) {
      rest.push([index, carried]);
      continue;
    }
    const [code, attempts, executions, startedAt, endedAt] = carried;
    parts.push([index, code + flag, attempts, executions, startedAt, endedAt].map(num).join(','));
  }
  return { packed: parts.join(';'), rest };
}

/** Reverses {@link packNodes}: the nodes by index into the definition's `nodes`. */
export function unpackNodes(packed: string, nodes: readonly NodeDefinition[]): Array<[number, CarriedNode]> {
  if (packed === '') return [];
  return packed.split(';').map((part) => {
    const fields = part.split(',');
    const values = fields.map(unnum);
    const [index, packedCode, attempts, executions, startedAt, endedAt] = values;
    const malformed =
      fields.length !== 6 ||
      values.some((n) => Number.isNaN(n)) ||
      [index, packedCode, attempts, executions].some((n) => n === null) ||
      !nodes[index!];
    if (malformed) throw new Error(`packed carried state has a malformed node: ${JSON.stringify(part)}`);
    const flag = packedCode! & (OUTPUT_IS_NULL | OUTPUT_IS_INPUT);
    const carried: CarriedNode = [packedCode! - flag, attempts!, executions!, startedAt ?? null, endedAt ?? null];
    if (flag === OUTPUT_IS_NULL) carried.push({ output: null });
    // A copy: the input and the output of a node are separate values.
    if (flag === OUTPUT_IS_INPUT) {
      carried.push({ output: JSON.parse(JSON.stringify(writtenInput(nodes[index!]))) as JsonValue });
    }
    return [index!, carried];
  });
}
