/**
 * JSON Schemas of the `with` of the built-in nodes, the way plugins declare theirs: the validator
 * checks definitions against them and the admin frontend can draw forms from them.
 */
import type { JsonSchema } from '../../plugins/sdk/types';
import type { BuiltinNodeType } from './types';

/** Node ids, and names that become `vars.<name>`: `[a-z][a-z0-9_]*`. */
export const NODE_ID_PATTERN = '^[a-z][a-z0-9_]*$';

/** The duration strings {@link parseDuration} accepts: `250ms`, `30s`, `5m`, `2h`, `1d`, `1h30m`. */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$';

/** A duration string, as a schema. */
export const DURATION_SCHEMA: JsonSchema = {
  type: 'string',
  pattern: DURATION_PATTERN,
  maxLength: 64,
  description: 'A duration: 250ms, 30s, 5m, 2h, 1d or compound like 1h30m',
};

/**
 * The `with` schema of each built-in node type. `timer.sleep` also needs exactly one of
 * `duration` and `until`, which the validator checks itself for a clearer message.
 */
export const BUILTIN_INPUT_SCHEMAS: Readonly<Record<BuiltinNodeType, JsonSchema>> = {
  'timer.sleep': {
    type: 'object',
    title: 'Sleep',
    description: 'A durable timer: waits for a duration or until a point in time (exactly one of them).',
    properties: {
      duration: DURATION_SCHEMA,
      until: { type: 'string', format: 'date-time', description: 'An RFC 3339 time: 2026-01-01T09:00:00Z' },
    },
    additionalProperties: false,
  },
  approval: {
    type: 'object',
    title: 'Approval',
    description: 'Waits until an operator approves or rejects.',
  },
  'vars.set': {
    type: 'object',
    title: 'Set variables',
    description: 'Each key becomes vars.<key> for the nodes after this one.',
    propertyNames: { pattern: NODE_ID_PATTERN },
  },
  subflow: {
    type: 'object',
    title: 'Subflow',
    description: "Runs another template's version as a child workflow; the child's outputs become this node's output.",
    required: ['template'],
    properties: {
      template: {
        type: 'string',
        minLength: 1,
        maxLength: 200,
        description: 'The name or id of a template in the same project (no expressions: it is resolved at start).',
      },
      version: {
        description: "A version number, or 'latest' (the default): the latest version when the parent starts.",
        anyOf: [{ type: 'integer', minimum: 1 }, { const: 'latest' }],
      },
      inputs: {
        type: 'object',
        description: "The child's inputs; values may hold ${expr}. Checked against the child's declarations.",
      },
    },
    additionalProperties: false,
  },
  callback: {
    type: 'object',
    title: 'Callback',
    description:
      'Waits until an external system calls the single-use signed URL shown in the node state (POST success with an output, or failure with a message), or fails at the deadline.',
    properties: {
      deadline: { ...DURATION_SCHEMA, description: 'How long the URL stays valid (default 1h, at most 30d)' },
      message: { type: 'string', maxLength: 2000, description: 'What the external system is asked to do' },
    },
    additionalProperties: false,
  },
};
