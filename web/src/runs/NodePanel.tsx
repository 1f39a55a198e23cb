/**
 * One node of a run: its state, attempts, times, resolved inputs, output and error, a link to the
 * run in the Temporal UI, and the operations its state and your role allow (retry with edited
 * inputs, skip, approve, reject).
 */
import { useState } from 'react';
import { errorMessage, gql } from '../api/client';
import {
  APPROVE_NODE,
  CLEAR_BREAKPOINT,
  FORCE_FAIL_NODE,
  PAUSE_AT_NODE,
  REJECT_NODE,
  RERUN_RUN,
  RETRY_NODE,
  SKIP_GATEWAY,
  SKIP_NODE,
} from '../api/documents';
import { projectPath } from '../app/project';
import { Link, navigate } from '../app/router';
import type { NodeRun, PluginInfo, Run } from '../api/types';
import { SchemaForm } from '../components/SchemaForm';
import { Fact, JsonView, StatusBadge } from '../components/ui';
import { BUILTIN_INPUT_SCHEMAS, type JsonObject, type JsonValue, type NodeDefinition } from '../lib/definition';
import { elapsed, formatTime } from '../lib/format';

function asObject(value: JsonValue | null | undefined): JsonObject | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
}

function RetryForm({
  run,
  node,
  definitionNode,
  plugin,
  onDone,
  onCancel,
}: {
  run: Run;
  node: NodeRun;
  definitionNode: NodeDefinition | undefined;
  plugin: PluginInfo | undefined;
  onDone(): void;
  onCancel(): void;
}) {
  const initial = asObject(node.input) ?? definitionNode?.with;
  const [value, setValue] = useState<JsonObject | undefined>(initial);
  const [asJson, setAsJson] = useState(false);
  const [jsonText, setJsonText] = useState(() => JSON.stringify(initial ?? {}, null, 2));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const schema = plugin?.inputSchema ?? BUILTIN_INPUT_SCHEMAS[node.type] ?? { type: 'object' };

  const submit = async () => {
    setBusy(true);
    setError(null);
    let edited: JsonObject | undefined = value;
    if (asJson) {
      try {
        edited = JSON.parse(jsonText) as JsonObject;
      } catch (err) {
        setError(`Not valid JSON: ${(err as Error).message}`);
        setBusy(false);
        return;
      }
    }
    const changed = JSON.stringify(edited ?? {}) !== JSON.stringify(initial ?? {});
    try {
      await gql(RETRY_NODE, { runId: run.id, nodeId: node.nodeId, with: changed ? (edited ?? {}) : null });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <form
      className="retry-form"
      aria-label={`Retry ${node.nodeId}`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <div className="section-head">
        <h4>Inputs for the retry</h4>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={asJson}
            onChange={(event) => {
              if (event.target.checked) setJsonText(JSON.stringify(value ?? {}, null, 2));
              else {
                try {
                  setValue(JSON.parse(jsonText) as JsonObject);
                } catch {
                  /* keep the form's value */
                }
              }
              setAsJson(event.target.checked);
            }}
          />
          Edit as JSON
        </label>
      </div>
      <p className="help">Changed keys are merged over the node's settings; expressions are allowed.</p>
      {asJson ? (
        <textarea
          className="code"
          aria-label="Retry inputs as JSON"
          rows={8}
          spellCheck={false}
          value={jsonText}
          onChange={(event) => setJsonText(event.target.value)}
        />
      ) : (
        <SchemaForm idPrefix={`retry-${node.nodeId}`} schema={schema} value={value} onChange={setValue} />
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Retrying…' : 'Retry node'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Decision({ run, node, form, onDone }: { run: Run; node: NodeRun; form?: JsonObject; onDone(): void }) {
  const [comment, setComment] = useState('');
  const [values, setValues] = useState<JsonObject | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await gql(approve ? APPROVE_NODE : REJECT_NODE, {
        runId: run.id,
        nodeId: node.nodeId,
        comment: comment.trim() || null,
        ...(approve && form ? { values: values ?? {} } : {}),
      });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="decision">
      {form && <SchemaForm idPrefix={`approval-${node.nodeId}`} schema={form} value={values} onChange={setValues} />}
      <div className="field">
        <label htmlFor={`comment-${node.nodeId}`} className="field-label">
          Comment
        </label>
        <textarea
          id={`comment-${node.nodeId}`}
          rows={2}
          value={comment}
          onChange={(event) => setComment(event.target.value)}
        />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void decide(true)}>
          Approve
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void decide(false)}>
          Reject
        </button>
      </div>
    </div>
  );
}

export function NodePanel({
  run,
  node,
  definitionNode,
  plugin,
  canOperate,
  outgoing = [],
  onChanged,
  onClose,
}: {
  run: Run;
  node: NodeRun;
  definitionNode: NodeDefinition | undefined;
  plugin: PluginInfo | undefined;
  canOperate: boolean;
  /** Targets of the node's outgoing edges (to pick the way out of a failed gateway). */
  outgoing?: string[];
  onChanged(): void;
  onClose(): void;
}) {
  const [retrying, setRetrying] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const runOpen = !['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(run.status);
  const needsOperator = node.status === 'FAILED' || (node.status === 'WAITING' && node.waitingFor !== 'approval');
  const canRetry = canOperate && runOpen && needsOperator;
  const canSkip = canOperate && runOpen && (node.status === 'FAILED' || node.status === 'WAITING');
  const canDecide = canOperate && runOpen && node.status === 'WAITING' && node.waitingFor === 'approval';
  const approval = asObject((node.details as JsonObject | null)?.approval as JsonValue | undefined);
  const breakpoint = (node.details as JsonObject | null)?.breakpoint === true;
  const canForceFail = canOperate && runOpen && node.status === 'RUNNING';
  const canBreak = canOperate && runOpen && node.status === 'PENDING';
  const gatewayWays = node.type === 'gateway.exclusive' && node.status === 'FAILED' ? outgoing : [];
  const [way, setWay] = useState('');
  const canRerun = canOperate && !runOpen;

  const act = async (document: string, variables: Record<string, unknown>, question?: string) => {
    if (question && !window.confirm(question)) return;
    setBusy(true);
    setError(null);
    try {
      await gql(document, { runId: run.id, nodeId: node.nodeId, ...variables });
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const rerunFrom = async () => {
    setBusy(true);
    setError(null);
    try {
      const { rerunRun } = await gql<{ rerunRun: { id: string } }>(RERUN_RUN, {
        runId: run.id,
        fromNodes: [node.nodeId],
      });
      navigate(projectPath(run.projectId, `runs/${rerunRun.id}`));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  const skip = async () => {
    if (!window.confirm(`Skip ${node.nodeId}? It becomes SKIPPED and the run goes on.`)) return;
    setBusy(true);
    setError(null);
    try {
      await gql(SKIP_NODE, { runId: run.id, nodeId: node.nodeId });
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="node-panel" aria-label={`Node ${node.nodeId}`}>
      <div className="section-head">
        <h2>{node.name || node.nodeId}</h2>
        <button type="button" className="btn btn-ghost btn-small" aria-label="Close the node panel" onClick={onClose}>
          ✕
        </button>
      </div>
      <p>
        <StatusBadge status={node.status} /> <code>{node.nodeId}</code> · <code>{node.type}</code>
      </p>
      {typeof approval?.message === 'string' && (
        <blockquote className="approval-message">{approval.message}</blockquote>
      )}
      {node.status === 'WAITING' && (
        <p className="waiting-inline" role="status">
          {node.waitingFor === 'approval'
            ? 'Waits for an approval decision.'
            : 'Failed and waits for an operator: retry or skip it.'}
        </p>
      )}
      {node.error && (
        <div className="error-box" role="alert">
          <strong>{node.error.type}</strong>
          <p>{node.error.message}</p>
        </div>
      )}
      <dl className="facts">
        <Fact label="Attempts">{node.attempts}</Fact>
        <Fact label="Executions">{node.executions}</Fact>
        <Fact label="Started">{formatTime(node.startedAt)}</Fact>
        <Fact label="Ended">{formatTime(node.endedAt)}</Fact>
        <Fact label="Duration">{elapsed(node.startedAt, node.endedAt)}</Fact>
        {node.skipReason && <Fact label="Skipped because">{node.skipReason}</Fact>}
      </dl>
      {node.childRun && (
        <p className="child-run">
          Subflow run:{' '}
          <Link to={projectPath(run.projectId, `runs/${node.childRun.id}`)}>
            {node.childRun.templateName} v{node.childRun.version}
          </Link>{' '}
          <StatusBadge status={node.childRun.status} />
        </p>
      )}
      <p>
        <a href={run.temporalUiUrl} target="_blank" rel="noopener noreferrer">
          Open this run in the Temporal UI ↗
        </a>{' '}
        <span className="muted">(activity id: {node.nodeId})</span>
      </p>

      {(canRetry || canSkip || canDecide || canForceFail || canBreak || canRerun) && (
        <section className="operations" aria-label="Node operations">
          <h3>Operations</h3>
          {canDecide && <Decision run={run} node={node} form={asObject(approval?.form)} onDone={onChanged} />}
          {gatewayWays.length > 0 && canSkip && (
            <div className="row">
              <div className="field grow">
                <label htmlFor={`way-${node.nodeId}`} className="field-label">
                  Go on down the edge to
                </label>
                <select id={`way-${node.nodeId}`} value={way} onChange={(event) => setWay(event.target.value)}>
                  <option value="">Choose…</option>
                  {gatewayWays.map((target) => (
                    <option key={target} value={target}>
                      {target}
                    </option>
                  ))}
                </select>
              </div>
              <button
                type="button"
                className="btn"
                disabled={busy || !way}
                onClick={() => void act(SKIP_GATEWAY, { takeEdgeTo: way })}
              >
                Take this edge
              </button>
            </div>
          )}
          {canForceFail && (
            <div className="form-actions">
              <button
                type="button"
                className="btn btn-danger"
                disabled={busy}
                onClick={() =>
                  void act(
                    FORCE_FAIL_NODE,
                    { reason: 'failed by an operator from the admin UI' },
                    `Fail ${node.nodeId} now? Its activity is cancelled and its onFailure applies.`,
                  )
                }
              >
                Fail it now
              </button>
            </div>
          )}
          {canBreak && (
            <div className="form-actions">
              {breakpoint ? (
                <button type="button" className="btn" disabled={busy} onClick={() => void act(CLEAR_BREAKPOINT, {})}>
                  Clear the breakpoint
                </button>
              ) : (
                <button type="button" className="btn" disabled={busy} onClick={() => void act(PAUSE_AT_NODE, {})}>
                  Pause before this node
                </button>
              )}
            </div>
          )}
          {canRerun && (
            <div className="form-actions">
              <button type="button" className="btn" disabled={busy} onClick={() => void rerunFrom()}>
                Rerun from this node
              </button>
            </div>
          )}
          {retrying ? (
            <RetryForm
              run={run}
              node={node}
              definitionNode={definitionNode}
              plugin={plugin}
              onCancel={() => setRetrying(false)}
              onDone={() => {
                setRetrying(false);
                onChanged();
              }}
            />
          ) : (
            <div className="form-actions">
              {canRetry && (
                <button type="button" className="btn btn-primary" onClick={() => setRetrying(true)}>
                  Retry…
                </button>
              )}
              {canSkip && (
                <button type="button" className="btn" disabled={busy} onClick={() => void skip()}>
                  Skip node
                </button>
              )}
            </div>
          )}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </section>
      )}

      {approval && (
        <>
          <h3>Approval</h3>
          <JsonView value={approval} label="Approval state" />
        </>
      )}
      <h3>Resolved inputs</h3>
      <JsonView value={node.input} label="Resolved inputs" />
      <h3>Output</h3>
      <JsonView value={node.output} label="Output" />
      {node.details && Object.keys(node.details).filter((key) => key !== 'approval').length > 0 && (
        <>
          <h3>More</h3>
          <JsonView value={Object.fromEntries(Object.entries(node.details).filter(([key]) => key !== 'approval'))} />
        </>
      )}
    </div>
  );
}
