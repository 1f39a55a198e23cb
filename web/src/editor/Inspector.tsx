/**
 * The editor's side panel: the selected node (its form from the plugin's JSON Schema, retry,
 * timeout, onFailure, edges), the selected edge (condition, default), or the definition itself
 * (name, inputs, outputs). Problems the validator found are shown beside the fields they concern.
 */
import { useEffect, useMemo, useState, type Dispatch } from 'react';
import type { PluginInfo } from '../api/types';
import { SchemaForm, type FieldErrors } from '../components/SchemaForm';
import {
  BUILTIN_INPUT_SCHEMAS,
  isGatewayType,
  NODE_ID_PATTERN,
  NODE_TYPE_INFO,
  ON_FAILURE_VALUES,
  type Definition,
  type InputDefinition,
  type JsonObject,
  type JsonSchema,
  type JsonValue,
  type LocatedProblem,
  type NodeDefinition,
  type OnFailure,
  type ProblemIndex,
} from '../lib/definition';
import type { EditorAction } from './editor-state';

function fieldErrors(problems: LocatedProblem[], prefix: string): FieldErrors {
  const errors: FieldErrors = new Map();
  for (const problem of problems) {
    const field = problem.target.field;
    let rest: string | null = null;
    if (field === prefix) rest = '';
    else if (field.startsWith(`${prefix}.`)) rest = field.slice(prefix.length + 1);
    else if (field.startsWith(`${prefix}[`)) rest = field.slice(prefix.length);
    if (rest === null) continue;
    errors.set(rest, [...(errors.get(rest) ?? []), problem.message]);
  }
  return errors;
}

function durationProp(title: string, fallback: unknown): JsonSchema {
  return { type: 'string', title, ...(fallback !== undefined ? { default: fallback } : {}) };
}

function retrySchema(defaults: JsonObject | undefined): JsonSchema {
  const d = (defaults ?? {}) as Record<string, unknown>;
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      maximumAttempts: {
        type: 'integer',
        title: 'Maximum attempts',
        default: d.maximumAttempts,
        description: '0 or absent: unlimited (bounded by the timeouts).',
      },
      initialInterval: durationProp('Initial interval', d.initialInterval),
      backoffCoefficient: { type: 'number', title: 'Backoff coefficient', default: d.backoffCoefficient },
      maximumInterval: durationProp('Maximum interval', d.maximumInterval),
      nonRetryableErrorTypes: { type: 'array', items: { type: 'string' }, title: 'Non-retryable error types' },
    },
  };
}

function timeoutSchema(defaults: JsonObject | undefined): JsonSchema {
  const d = (defaults ?? {}) as Record<string, unknown>;
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      startToClose: durationProp('Start to close', d.startToClose),
      scheduleToClose: durationProp('Schedule to close', d.scheduleToClose),
      heartbeat: durationProp('Heartbeat', d.heartbeat),
    },
  };
}

function ProblemList({ problems, title = 'Problems' }: { problems: LocatedProblem[]; title?: string }) {
  if (problems.length === 0) return null;
  return (
    <div className="inspector-problems" role="alert">
      <strong>{title}</strong>
      <ul>
        {problems.map((problem, index) => (
          <li key={index}>
            {problem.target.field && <code>{problem.target.field}</code>} {problem.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A text input that commits on blur or Enter (ids, where a half-typed value must not apply). */
function CommitInput({
  id,
  value,
  onCommit,
  validate,
  label,
}: {
  id: string;
  value: string;
  onCommit(value: string): void;
  validate(value: string): string | null;
  label: string;
}) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const error = text === value ? null : validate(text);
  const commit = () => {
    if (text !== value && !validate(text)) onCommit(text);
  };
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <input
        id={id}
        value={text}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
          if (event.key === 'Escape') setText(value);
        }}
      />
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

function EdgeRows({
  definition,
  nodeId,
  dispatch,
  problems,
}: {
  definition: Definition;
  nodeId: string;
  dispatch: Dispatch<EditorAction>;
  problems: ProblemIndex;
}) {
  const edges = (definition.edges ?? []).map((edge, index) => ({ edge, index }));
  const outgoing = edges.filter(({ edge }) => edge.from === nodeId);
  const incoming = edges.filter(({ edge }) => edge.to === nodeId);
  const linked = new Set(outgoing.map(({ edge }) => edge.to));
  const targets = definition.nodes
    .filter((node) => node.id !== nodeId && !linked.has(node.id))
    .map((node) => node.id)
    .join('\n');
  const targetOptions = useMemo(
    () =>
      targets
        .split('\n')
        .filter(Boolean)
        .map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        )),
    [targets],
  );
  const [target, setTarget] = useState('');
  return (
    <section className="inspector-section" aria-label="Edges">
      <h4>Outgoing edges</h4>
      {outgoing.length === 0 && <p className="muted">None: the run can end here.</p>}
      {outgoing.map(({ edge, index }) => (
        <div className="edge-row" key={index}>
          <div className="edge-row-head">
            <span>
              → <code>{edge.to}</code>
            </span>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label={`Remove the edge to ${edge.to}`}
              onClick={() => dispatch({ type: 'deleteEdges', indexes: [index] })}
            >
              ✕
            </button>
          </div>
          <EdgeCondition
            index={index}
            definition={definition}
            dispatch={dispatch}
            problems={problems.byEdge.get(index) ?? []}
            compact
          />
        </div>
      ))}
      <div className="row">
        <label htmlFor={`connect-${nodeId}`} className="visually-hidden">
          Connect {nodeId} to
        </label>
        <select id={`connect-${nodeId}`} value={target} onChange={(event) => setTarget(event.target.value)}>
          <option value="">Connect to…</option>
          {targetOptions}
        </select>
        <button
          type="button"
          className="btn btn-small"
          disabled={!target}
          onClick={() => {
            dispatch({ type: 'connect', from: nodeId, to: target });
            dispatch({ type: 'select', selection: { kind: 'node', id: nodeId } });
            setTarget('');
          }}
        >
          Add edge
        </button>
      </div>
      <h4>Incoming edges</h4>
      {incoming.length === 0 ? (
        <p className="muted">None: this node starts the run.</p>
      ) : (
        <ul className="plain">
          {incoming.map(({ edge, index }) => (
            <li key={index}>
              <code>{edge.from}</code> →{edge.when ? ` when ${edge.when}` : ''}
              {edge.default ? ' (default)' : ''}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function EdgeCondition({
  index,
  definition,
  dispatch,
  problems,
  compact,
}: {
  index: number;
  definition: Definition;
  dispatch: Dispatch<EditorAction>;
  problems: LocatedProblem[];
  compact?: boolean;
}) {
  const edge = (definition.edges ?? [])[index];
  if (!edge) return null;
  const whenErrors = problems.filter((p) => p.target.field === 'when').map((p) => p.message);
  const other = problems.filter((p) => p.target.field !== 'when');
  const id = `edge-${index}`;
  return (
    <div className={compact ? 'edge-condition compact' : 'edge-condition'}>
      <div className="field">
        <label htmlFor={`${id}-when`} className="field-label">
          Condition <span className="muted">(CEL, e.g. inputs.env == 'prod')</span>
        </label>
        <input
          id={`${id}-when`}
          className="code"
          spellCheck={false}
          value={edge.when ?? ''}
          placeholder="always"
          aria-invalid={whenErrors.length > 0 || undefined}
          onChange={(event) =>
            dispatch({
              type: 'updateEdge',
              index,
              update: (current) => {
                const { when: _old, ...rest } = current;
                return event.target.value ? { ...rest, when: event.target.value } : rest;
              },
            })
          }
        />
        {whenErrors.map((message, i) => (
          <div className="field-error" key={i} role="alert">
            {message}
          </div>
        ))}
      </div>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={edge.default === true}
          onChange={(event) =>
            dispatch({
              type: 'updateEdge',
              index,
              update: (current) => {
                const { default: _old, ...rest } = current;
                return event.target.checked ? { ...rest, default: true } : rest;
              },
            })
          }
        />
        Default edge (taken by a gateway when no condition holds)
      </label>
      <ProblemList problems={other} />
    </div>
  );
}

export function EdgeInspector({
  index,
  definition,
  dispatch,
  problems,
}: {
  index: number;
  definition: Definition;
  dispatch: Dispatch<EditorAction>;
  problems: ProblemIndex;
}) {
  const edge = (definition.edges ?? [])[index];
  if (!edge) return <p className="muted">This edge no longer exists.</p>;
  return (
    <div className="inspector" aria-label="Edge settings">
      <h2>
        Edge <code>{edge.from}</code> → <code>{edge.to}</code>
      </h2>
      <EdgeCondition
        index={index}
        definition={definition}
        dispatch={dispatch}
        problems={problems.byEdge.get(index) ?? []}
      />
      <div className="inspector-footer">
        <button
          type="button"
          className="btn"
          onClick={() => dispatch({ type: 'select', selection: { kind: 'node', id: edge.from } })}
        >
          Go to {edge.from}
        </button>
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => dispatch({ type: 'deleteEdges', indexes: [index] })}
        >
          Delete edge
        </button>
      </div>
    </div>
  );
}

function pluginFor(plugins: PluginInfo[] | undefined, node: NodeDefinition): PluginInfo | undefined {
  const ofType = (plugins ?? []).filter((plugin) => plugin.type === node.type);
  if (!node.version) return ofType[0];
  return (
    ofType.find((plugin) => plugin.version === node.version || plugin.version.startsWith(`${node.version}.`)) ??
    ofType[0]
  );
}

export function NodeInspector({
  node,
  definition,
  plugins,
  dispatch,
  problems,
}: {
  node: NodeDefinition;
  definition: Definition;
  plugins: PluginInfo[] | undefined;
  dispatch: Dispatch<EditorAction>;
  problems: ProblemIndex;
}) {
  const plugin = pluginFor(plugins, node);
  const gateway = isGatewayType(node.type);
  const builtinSchema = BUILTIN_INPUT_SCHEMAS[node.type];
  const schema = plugin?.inputSchema ?? builtinSchema;
  const nodeProblems = problems.byNode.get(node.id) ?? [];
  const versions = (plugins ?? [])
    .filter((candidate) => candidate.type === node.type)
    .map((candidate) => candidate.version);
  const defaults = plugin?.defaults as { retry?: JsonObject; timeout?: JsonObject } | undefined;
  const update = (change: (node: NodeDefinition) => NodeDefinition) =>
    dispatch({ type: 'updateNode', id: node.id, update: change });
  const set = <K extends keyof NodeDefinition>(key: K, value: NodeDefinition[K] | undefined) =>
    update((current) => {
      const next = { ...current };
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
  const prefix = `node-${node.id}`;
  const unknownType = !gateway && !builtinSchema && plugins !== undefined && !plugin;

  return (
    <div className="inspector" aria-label={`Settings of ${node.id}`}>
      <h2>{node.name || node.id}</h2>
      <p className="muted">
        {NODE_TYPE_INFO[node.type]?.title ?? plugin?.title ?? node.type} · <code>{node.type}</code>
      </p>
      {(plugin?.description || NODE_TYPE_INFO[node.type]) && (
        <p className="help">{plugin?.description ?? NODE_TYPE_INFO[node.type]?.description}</p>
      )}
      {unknownType && <p className="field-error">No plugin of type {node.type} is installed.</p>}
      {plugin?.deprecated && (
        <p className="notice">Deprecated: {plugin.deprecationReason ?? 'new definitions should not use it.'}</p>
      )}
      <ProblemList
        problems={nodeProblems}
        title={`${nodeProblems.length} problem${nodeProblems.length === 1 ? '' : 's'} with this node`}
      />

      <CommitInput
        id={`${prefix}-id`}
        label="Id"
        value={node.id}
        validate={(value) => {
          if (!NODE_ID_PATTERN.test(value)) return 'Lowercase letters, digits and _, starting with a letter.';
          if (definition.nodes.some((other) => other.id === value)) return 'Another node has this id.';
          return null;
        }}
        onCommit={(value) => dispatch({ type: 'renameNode', from: node.id, to: value })}
      />
      <div className="field">
        <label htmlFor={`${prefix}-name`} className="field-label">
          Name <span className="muted">(shown in UIs and the Temporal UI)</span>
        </label>
        <input
          id={`${prefix}-name`}
          value={node.name ?? ''}
          onChange={(event) => set('name', event.target.value || undefined)}
        />
      </div>
      {versions.length > 1 && (
        <div className="field">
          <label htmlFor={`${prefix}-version`} className="field-label">
            Plugin version
          </label>
          <select
            id={`${prefix}-version`}
            value={node.version ?? ''}
            onChange={(event) => set('version', event.target.value || undefined)}
          >
            <option value="">newest ({versions[0]})</option>
            {versions.map((version) => (
              <option key={version} value={version}>
                {version}
              </option>
            ))}
          </select>
        </div>
      )}

      {!gateway && schema && (
        <section className="inspector-section" aria-label="Inputs">
          <div className="section-head">
            <h3>Inputs</h3>
            {plugin && plugin.examples.length > 0 && (
              <select
                aria-label="Fill from an example"
                value=""
                onChange={(event) => {
                  const example = plugin.examples[Number(event.target.value)];
                  if (example) set('with', example.with);
                }}
              >
                <option value="">Use an example…</option>
                {plugin.examples.map((example, index) => (
                  <option key={index} value={index}>
                    {example.title}
                  </option>
                ))}
              </select>
            )}
          </div>
          <p className="help">
            Values may use <code>{'${inputs.x}'}</code>, <code>{'${nodes.<id>.output...}'}</code> and{' '}
            <code>{'${vars.x}'}</code>.
          </p>
          <SchemaForm
            idPrefix={`${prefix}-with`}
            schema={schema}
            value={node.with}
            onChange={(value) => set('with', value)}
            errors={fieldErrors(nodeProblems, 'with')}
          />
        </section>
      )}

      {!gateway && (
        <section className="inspector-section" aria-label="Failure handling">
          <h3>When it fails</h3>
          <div className="field">
            <label htmlFor={`${prefix}-onFailure`} className="field-label">
              On failure
            </label>
            <select
              id={`${prefix}-onFailure`}
              value={node.onFailure ?? ''}
              onChange={(event) => set('onFailure', (event.target.value || undefined) as OnFailure | undefined)}
            >
              <option value="">fail the run (default)</option>
              {ON_FAILURE_VALUES.filter((value) => value !== 'fail').map((value) => (
                <option key={value} value={value}>
                  {value === 'skip' ? 'skip the node and go on' : 'wait for an operator (retry or skip)'}
                </option>
              ))}
              <option value="fail">fail the run (explicit)</option>
            </select>
            {fieldErrors(nodeProblems, 'onFailure')
              .get('')
              ?.map((message, i) => (
                <div key={i} className="field-error" role="alert">
                  {message}
                </div>
              ))}
          </div>
          {plugin && (
            <>
              <details className="disclosure" open={!!node.retry}>
                <summary>Retry</summary>
                <SchemaForm
                  idPrefix={`${prefix}-retry`}
                  schema={retrySchema(defaults?.retry)}
                  value={node.retry as JsonObject | undefined}
                  onChange={(value) => set('retry', value as NodeDefinition['retry'])}
                  errors={fieldErrors(nodeProblems, 'retry')}
                />
              </details>
              <details className="disclosure" open={!!node.timeout}>
                <summary>Timeouts</summary>
                <SchemaForm
                  idPrefix={`${prefix}-timeout`}
                  schema={timeoutSchema(defaults?.timeout)}
                  value={node.timeout as JsonObject | undefined}
                  onChange={(value) => set('timeout', value as NodeDefinition['timeout'])}
                  errors={fieldErrors(nodeProblems, 'timeout')}
                />
              </details>
            </>
          )}
        </section>
      )}

      <EdgeRows definition={definition} nodeId={node.id} dispatch={dispatch} problems={problems} />

      <div className="inspector-footer">
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => dispatch({ type: 'deleteNodes', ids: [node.id] })}
        >
          Delete node
        </button>
      </div>
    </div>
  );
}

const INPUT_TYPES = ['string', 'integer', 'number', 'boolean', 'object', 'array'] as const;

function parseLoose(text: string, type: InputDefinition['type']): JsonValue | undefined {
  if (text.trim() === '') return undefined;
  if (type === 'string' || type === undefined) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

function InputRow({
  name,
  input,
  onChange,
  onRename,
  onRemove,
}: {
  name: string;
  input: InputDefinition;
  onChange(input: InputDefinition): void;
  onRename(name: string): void;
  onRemove(): void;
}) {
  const id = `input-${name}`;
  const [defaultText, setDefaultText] = useState(
    input.default === undefined
      ? ''
      : typeof input.default === 'string'
        ? input.default
        : JSON.stringify(input.default),
  );
  const [enumText, setEnumText] = useState(
    (input.enum ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', '),
  );
  return (
    <fieldset className="input-row">
      <legend className="visually-hidden">Input {name}</legend>
      <div className="row">
        <CommitInput
          id={`${id}-name`}
          label="Name"
          value={name}
          validate={(v) => (NODE_ID_PATTERN.test(v) ? null : 'Like a node id: [a-z][a-z0-9_]*')}
          onCommit={onRename}
        />
        <div className="field">
          <label htmlFor={`${id}-type`} className="field-label">
            Type
          </label>
          <select
            id={`${id}-type`}
            value={input.type ?? ''}
            onChange={(event) =>
              onChange({ ...input, type: (event.target.value || undefined) as InputDefinition['type'] })
            }
          >
            <option value="">any</option>
            {INPUT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </div>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-label={`Remove input ${name}`}
          onClick={onRemove}
        >
          ✕
        </button>
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor={`${id}-default`} className="field-label">
            Default
          </label>
          <input
            id={`${id}-default`}
            value={defaultText}
            onChange={(event) => {
              setDefaultText(event.target.value);
              const value = parseLoose(event.target.value, input.type);
              const { default: _old, ...rest } = input;
              onChange(value === undefined ? rest : { ...rest, default: value });
            }}
          />
        </div>
        <div className="field grow">
          <label htmlFor={`${id}-enum`} className="field-label">
            Allowed values
          </label>
          <input
            id={`${id}-enum`}
            value={enumText}
            placeholder="a, b, c"
            onChange={(event) => {
              setEnumText(event.target.value);
              const values = event.target.value
                .split(',')
                .map((part) => part.trim())
                .filter(Boolean)
                .map((part) => parseLoose(part, input.type) as JsonValue);
              const { enum: _old, ...rest } = input;
              onChange(values.length ? { ...rest, enum: values } : rest);
            }}
          />
        </div>
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor={`${id}-description`} className="field-label">
            Description
          </label>
          <input
            id={`${id}-description`}
            value={input.description ?? ''}
            onChange={(event) => {
              const { description: _old, ...rest } = input;
              onChange(event.target.value ? { ...rest, description: event.target.value } : rest);
            }}
          />
        </div>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={input.required === true}
            onChange={(event) => {
              const { required: _old, ...rest } = input;
              onChange(event.target.checked ? { ...rest, required: true } : rest);
            }}
          />
          Required
        </label>
      </div>
    </fieldset>
  );
}

function renameKey<T>(record: Record<string, T>, from: string, to: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key === from ? to : key, value]));
}

export function DefinitionInspector({
  definition,
  dispatch,
  problems,
}: {
  definition: Definition;
  dispatch: Dispatch<EditorAction>;
  problems: ProblemIndex;
}) {
  const inputs = definition.inputs ?? {};
  const outputs = definition.outputs ?? {};
  const setInputs = (next: Record<string, InputDefinition>) =>
    dispatch({ type: 'update', update: (d) => ({ ...d, inputs: Object.keys(next).length ? next : undefined }) });
  const setOutputs = (next: Record<string, JsonValue>) =>
    dispatch({ type: 'update', update: (d) => ({ ...d, outputs: Object.keys(next).length ? next : undefined }) });
  const [newOutput, setNewOutput] = useState('');
  const nameErrors = problems.general.filter((p) => p.path === 'name');
  return (
    <div className="inspector" aria-label="Template settings">
      <h2>Template</h2>
      <p className="help">Select a node or an edge to edit it. Add nodes from the palette.</p>
      <ProblemList problems={problems.general} title="Problems with the template" />
      <div className="field">
        <label htmlFor="definition-name" className="field-label">
          Name
        </label>
        <input
          id="definition-name"
          value={definition.name}
          aria-invalid={nameErrors.length > 0 || undefined}
          onChange={(event) => dispatch({ type: 'update', update: (d) => ({ ...d, name: event.target.value }) })}
        />
      </div>
      <div className="field">
        <label htmlFor="definition-description" className="field-label">
          Description
        </label>
        <textarea
          id="definition-description"
          rows={2}
          value={definition.description ?? ''}
          onChange={(event) =>
            dispatch({ type: 'update', update: (d) => ({ ...d, description: event.target.value || undefined }) })
          }
        />
      </div>
      <section className="inspector-section" aria-label="Run inputs">
        <h3>Run inputs</h3>
        <p className="help">
          What a person fills in when starting a run; nodes read them as <code>{'${inputs.<name>}'}</code>.
        </p>
        {Object.entries(inputs).map(([name, input]) => (
          <InputRow
            key={name}
            name={name}
            input={input}
            onChange={(next) => setInputs({ ...inputs, [name]: next })}
            onRename={(to) => !inputs[to] && setInputs(renameKey(inputs, name, to))}
            onRemove={() => {
              const { [name]: _gone, ...rest } = inputs;
              setInputs(rest);
            }}
          />
        ))}
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            let n = Object.keys(inputs).length + 1;
            while (inputs[`input_${n}`]) n += 1;
            setInputs({ ...inputs, [`input_${n}`]: { type: 'string' } });
          }}
        >
          Add input
        </button>
      </section>
      <section className="inspector-section" aria-label="Run outputs">
        <h3>Run outputs</h3>
        {Object.entries(outputs).map(([name, value]) => (
          <div className="row" key={name}>
            <div className="field grow">
              <label htmlFor={`output-${name}`} className="field-label">
                <code>{name}</code>
              </label>
              <input
                id={`output-${name}`}
                className="code"
                value={typeof value === 'string' ? value : JSON.stringify(value)}
                onChange={(event) => setOutputs({ ...outputs, [name]: event.target.value })}
              />
            </div>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label={`Remove output ${name}`}
              onClick={() => {
                const { [name]: _gone, ...rest } = outputs;
                setOutputs(rest);
              }}
            >
              ✕
            </button>
          </div>
        ))}
        <div className="row">
          <label htmlFor="new-output" className="visually-hidden">
            New output name
          </label>
          <input
            id="new-output"
            placeholder="output name"
            value={newOutput}
            onChange={(event) => setNewOutput(event.target.value)}
          />
          <button
            type="button"
            className="btn btn-small"
            disabled={!NODE_ID_PATTERN.test(newOutput) || outputs[newOutput] !== undefined}
            onClick={() => {
              setOutputs({ ...outputs, [newOutput]: '' });
              setNewOutput('');
            }}
          >
            Add output
          </button>
        </div>
      </section>
    </div>
  );
}
