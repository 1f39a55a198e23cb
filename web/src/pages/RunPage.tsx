/**
 * One run, live: its DAG coloured by node state (runUpdated subscription, with polling as a
 * fallback), why it waits, its operations, and a panel for the selected node.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage, gql } from '../api/client';
import {
  CANCEL_RUN,
  CLONE_RUN,
  PAUSE_RUN,
  PLUGINS,
  RESUME_RUN,
  RUN,
  RUN_UPDATED,
  TEMPLATE_VERSION,
} from '../api/documents';
import { TERMINAL_RUN_STATUSES, type NodeRun, type PluginInfo, type Run, type TemplateVersion } from '../api/types';
import { subscribe } from '../api/ws';
import { projectPath, useProject } from '../app/project';
import { Link, navigate } from '../app/router';
import { Dialog, EmptyState, ErrorBox, Fact, JsonView, Loading, StatusBadge } from '../components/ui';
import { DagCanvas, type Selection } from '../graph/DagCanvas';
import type { Definition } from '../lib/definition';
import { elapsed, formatTime } from '../lib/format';
import { layoutDefinition } from '../lib/layout';
import { useAsync } from '../lib/use-async';
import { NodePanel } from '../runs/NodePanel';

const POLL_MS = 3000;

/** Whether `incoming` is at least as recent as `current` (the server stamps every change). */
function isNewer(incoming: Run, current: Run): boolean {
  return new Date(incoming.updatedAt).getTime() >= new Date(current.updatedAt).getTime();
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [active]);
  return now;
}

function WaitingBanner({ run, onShowNode }: { run: Run; onShowNode(id: string): void }) {
  const reasons = run.waitingOn ?? [];
  if (reasons.length === 0 && !run.paused) return null;
  return (
    <section className="waiting-banner" aria-labelledby="waiting-title" role="status">
      <h2 id="waiting-title">Why is it waiting?</h2>
      <ul>
        {reasons.map((reason, index) => (
          <li key={index}>
            <span className={`reason reason-${reason.kind}`}>{reason.kind}</span> {reason.message}
            {reason.nodeId && (
              <>
                {' '}
                <button type="button" className="btn btn-small" onClick={() => onShowNode(reason.nodeId!)}>
                  Show {reason.nodeId}
                </button>
              </>
            )}
          </li>
        ))}
        {reasons.length === 0 && run.paused && (
          <li>
            <span className="reason reason-paused">paused</span> Paused by {run.paused.by} at{' '}
            {formatTime(run.paused.at)}
            {run.paused.nodeId ? ` before ${run.paused.nodeId}` : ''}.
          </li>
        )}
      </ul>
    </section>
  );
}

function RunOperations({ run, onChanged }: { run: Run; onChanged(): void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const terminal = TERMINAL_RUN_STATUSES.includes(run.status);
  if (terminal) {
    return (
      <div className="run-operations">
        <button
          type="button"
          className="btn"
          disabled={!!busy}
          onClick={() => {
            setBusy('clone');
            setError(null);
            gql<{ cloneRun: { id: string } }>(CLONE_RUN, { runId: run.id })
              .then(({ cloneRun }) => navigate(projectPath(run.projectId, `runs/${cloneRun.id}`)))
              .catch((err: unknown) => {
                setError(errorMessage(err));
                setBusy(null);
              });
          }}
        >
          {busy === 'clone' ? 'Starting…' : 'Run again'}
        </button>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  }
  const act = async (name: string, document: string, variables: Record<string, unknown>) => {
    setBusy(name);
    setError(null);
    try {
      await gql(document, variables);
      onChanged();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="run-operations">
      {run.status === 'PAUSED' ? (
        <button
          type="button"
          className="btn"
          disabled={!!busy}
          onClick={() => void act('resume', RESUME_RUN, { id: run.id })}
        >
          {busy === 'resume' ? 'Resuming…' : 'Resume'}
        </button>
      ) : (
        <button
          type="button"
          className="btn"
          disabled={!!busy}
          onClick={() => void act('pause', PAUSE_RUN, { id: run.id })}
        >
          {busy === 'pause' ? 'Pausing…' : 'Pause'}
        </button>
      )}
      <button type="button" className="btn btn-danger" disabled={!!busy} onClick={() => setCancelling(true)}>
        Cancel run
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <Dialog title="Cancel this run?" open={cancelling} onClose={() => setCancelling(false)}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void act('cancel', CANCEL_RUN, { id: run.id, reason: reason.trim() || null }).then(
              (ok) => ok && setCancelling(false),
            );
          }}
        >
          <p>Running activities are cancelled, pending nodes become CANCELLED and the run ends CANCELLED.</p>
          <div className="field">
            <label htmlFor="cancel-reason" className="field-label">
              Reason (kept with the run)
            </label>
            <input id="cancel-reason" value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          <div className="form-actions">
            <button type="submit" className="btn btn-danger" disabled={busy === 'cancel'}>
              {busy === 'cancel' ? 'Cancelling…' : 'Cancel the run'}
            </button>
            <button type="button" className="btn btn-ghost" onClick={() => setCancelling(false)}>
              Keep it running
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}

function NodeTable({
  definition,
  states,
  selected,
  onSelect,
}: {
  definition: Definition;
  states: Map<string, NodeRun>;
  selected: string | null;
  onSelect(id: string): void;
}) {
  return (
    <table className="table node-table">
      <caption className="visually-hidden">Nodes of this run</caption>
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">Status</th>
          <th scope="col">Attempts</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {definition.nodes.map((node) => {
          const state = states.get(node.id);
          return (
            <tr key={node.id} className={selected === node.id ? 'selected' : undefined}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onSelect(node.id)}
                  aria-pressed={selected === node.id}
                >
                  {node.name || node.id}
                </button>{' '}
                <span className="muted">{node.type}</span>
              </td>
              <td>
                <StatusBadge status={state?.status ?? 'PENDING'} />
              </td>
              <td>{state?.attempts ?? 0}</td>
              <td>{formatTime(state?.startedAt)}</td>
              <td>{state?.startedAt ? elapsed(state.startedAt, state.endedAt) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function RunPage({ runId }: { runId: string }) {
  const { project, canOperate } = useProject();
  // Answers can arrive out of order (a query started before the last live update): the newer wins.
  const run = useAsync(() => gql<{ run: Run }>(RUN, { id: runId }).then((d) => d.run), [runId], { replaces: isNewer });
  const [live, setLive] = useState<'connecting' | 'live' | 'polling'>('connecting');
  const [selection, setSelection] = useState<Selection>(null);
  const versionId = run.data?.templateVersionId;
  const version = useAsync(
    () =>
      versionId
        ? gql<{ templateVersion: TemplateVersion }>(TEMPLATE_VERSION, { id: versionId }).then((d) => d.templateVersion)
        : Promise.resolve(null),
    [versionId],
  );
  const plugins = useAsync(() => gql<{ plugins: PluginInfo[] }>(PLUGINS).then((d) => d.plugins), []);
  const { setData: setRun, reload: reloadRun } = run;
  const terminal = run.data ? TERMINAL_RUN_STATUSES.includes(run.data.status) : false;
  const now = useNow(!terminal);

  useEffect(() => {
    const stop = subscribe<{ runUpdated: Run }>(
      RUN_UPDATED,
      { runId },
      {
        next: (data) => {
          setLive('live');
          setRun((current) => (!current || isNewer(data.runUpdated, current) ? data.runUpdated : current));
        },
        error: () => setLive('polling'),
      },
    );
    return stop;
  }, [runId, setRun]);

  // Without a live connection, poll until the run ends.
  useEffect(() => {
    if (live === 'live' || terminal) return;
    const timer = window.setInterval(() => void reloadRun(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [live, terminal, reloadRun]);

  const definition = version.data?.definition;
  const positions = useMemo(() => (definition ? layoutDefinition(definition) : new Map()), [definition]);
  const states = useMemo(() => new Map((run.data?.nodes ?? []).map((node) => [node.nodeId, node])), [run.data?.nodes]);
  const typeTitles = useMemo(() => new Map((plugins.data ?? []).map((p) => [p.type, p.title])), [plugins.data]);
  const onSelect = useCallback((next: Selection) => setSelection(next?.kind === 'node' ? next : null), []);
  const refresh = useCallback(() => void reloadRun(), [reloadRun]);

  if (run.error && !run.data)
    return <ErrorBox error={run.error} onRetry={() => void run.reload()} title="This run could not be loaded" />;
  if (!run.data) return <Loading what="Loading the run" />;
  const data = run.data;
  const selectedId = selection?.kind === 'node' ? selection.id : null;
  const definitionNode = selectedId ? definition?.nodes.find((node) => node.id === selectedId) : undefined;
  const selectedState: NodeRun | undefined = selectedId
    ? (states.get(selectedId) ??
      (definitionNode
        ? {
            nodeId: definitionNode.id,
            type: definitionNode.type,
            name: definitionNode.name ?? null,
            status: 'PENDING',
            attempts: 0,
            executions: 0,
            startedAt: null,
            endedAt: null,
            input: null,
            output: null,
            error: null,
            skipReason: null,
            waitingFor: null,
            details: null,
            childRun: null,
          }
        : undefined))
    : undefined;
  const plugin = selectedState ? plugins.data?.find((p) => p.type === selectedState.type) : undefined;

  return (
    <div className="page page-wide">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={projectPath(project.id, 'runs')}>Runs</Link> <span aria-hidden="true">/</span>{' '}
        {data.parentRunId && (
          <>
            <Link to={projectPath(project.id, `runs/${data.parentRunId}`)} className="parent-run">
              parent run <code>{data.parentRunId.slice(0, 8)}</code>
            </Link>{' '}
            (subflow {data.parentNodeId}) <span aria-hidden="true">/</span>{' '}
          </>
        )}
        {data.templateName} · <code>{data.id.slice(0, 8)}</code>
      </nav>
      <header className="page-header run-header">
        <div>
          <h1>
            <StatusBadge status={data.status} /> {data.templateName} <span className="muted">v{data.version}</span>
          </h1>
          <p className="muted">
            Started by <strong>{data.startedBy}</strong> {formatTime(data.startedAt ?? data.createdAt)} ·{' '}
            {terminal ? 'took' : 'running for'}{' '}
            {elapsed(data.startedAt ?? data.createdAt, terminal ? data.endedAt : null, now)} ·{' '}
            <span className={`live live-${live}`} title="How this page follows the run">
              {terminal
                ? 'finished'
                : live === 'live'
                  ? '● live'
                  : live === 'polling'
                    ? 'refreshing every 3s'
                    : 'connecting…'}
            </span>
          </p>
        </div>
        <div className="actions">
          {canOperate && <RunOperations run={data} onChanged={refresh} />}
          <a className="btn btn-ghost" href={data.temporalUiUrl} target="_blank" rel="noopener noreferrer">
            Temporal UI ↗
          </a>
          <Link
            className="btn btn-ghost"
            to={projectPath(project.id, `templates/${data.templateId}?version=${data.version}`)}
          >
            Template
          </Link>
        </div>
      </header>
      <WaitingBanner run={data} onShowNode={(id) => setSelection({ kind: 'node', id })} />
      {data.error && (
        <div className="error-box" role="alert">
          <strong>
            {data.status === 'CANCELLED' ? 'Cancelled' : 'Failed'}: {data.error.type}
          </strong>
          <p>{data.error.message}</p>
        </div>
      )}
      {run.error ? <p className="field-error">Refreshing failed: {errorMessage(run.error)}</p> : null}
      <div className="split run-split">
        <div className="split-main canvas-box run-canvas">
          {version.error ? (
            <ErrorBox
              error={version.error}
              onRetry={() => void version.reload()}
              title="The graph could not be loaded"
            />
          ) : !definition ? (
            <Loading what="Loading the graph" />
          ) : (
            <DagCanvas
              label="Run graph"
              definition={definition}
              positions={positions}
              states={states}
              selection={selection}
              onSelect={onSelect}
              typeTitles={typeTitles}
              fitKey={data.templateVersionId}
            />
          )}
        </div>
        <aside className="split-side" aria-label={selectedState ? 'Selected node' : 'Run details'}>
          {selectedState ? (
            <NodePanel
              key={selectedState.nodeId}
              run={data}
              node={selectedState}
              definitionNode={definitionNode}
              plugin={plugin}
              canOperate={canOperate}
              outgoing={(definition?.edges ?? [])
                .filter((edge) => edge.from === selectedState.nodeId)
                .map((edge) => edge.to)}
              onChanged={refresh}
              onClose={() => setSelection(null)}
            />
          ) : (
            <div className="run-details">
              <h2>Run</h2>
              <p className="help">Select a node on the graph or in the table to see its inputs, output and error.</p>
              <dl className="facts">
                <Fact label="Status">
                  <StatusBadge status={data.status} />
                </Fact>
                <Fact label="Created">{formatTime(data.createdAt)}</Fact>
                <Fact label="Started">{formatTime(data.startedAt)}</Fact>
                <Fact label="Ended">{formatTime(data.endedAt)}</Fact>
                <Fact label="Workflow id">
                  <code>{data.temporalWorkflowId}</code>
                </Fact>
              </dl>
              <h3>Inputs</h3>
              <JsonView value={data.inputs} label="Run inputs" />
              <h3>Outputs</h3>
              <JsonView value={data.outputs} label="Run outputs" />
            </div>
          )}
        </aside>
      </div>
      {definition ? (
        <NodeTable
          definition={definition}
          states={states}
          selected={selectedId}
          onSelect={(id) => setSelection({ kind: 'node', id })}
        />
      ) : (
        !version.error && <EmptyState title="Loading nodes" />
      )}
    </div>
  );
}
