/** A project's runs, newest first, filtered by status, template, who started them and when; live. */
import { useEffect, useState } from 'react';
import { gql } from '../api/client';
import { RUNS, TEMPLATES } from '../api/documents';
import { RUN_STATUSES, TERMINAL_RUN_STATUSES, type PageInfo, type RunSummary, type Template } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link, replaceSearch, useLocation } from '../app/router';
import { EmptyState, ErrorBox, Loading, StatusBadge } from '../components/ui';
import { elapsed, formatTime, relativeTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

const PERIODS: Array<{ key: string; label: string; ms: number | null }> = [
  { key: '', label: 'Any time', ms: null },
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
];

const PAGE_SIZE = 50;
const POLL_MS = 4000;

interface RunsPage {
  nodes: RunSummary[];
  pageInfo: PageInfo;
}

export function RunsPage() {
  const { project, canOperate } = useProject();
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const templateId = search.get('template') ?? '';
  const startedBy = search.get('by') ?? '';
  const period = search.get('since') ?? '';
  const [byText, setByText] = useState(startedBy);
  const [extra, setExtra] = useState<RunSummary[]>([]);
  const [next, setNext] = useState<PageInfo | null>(null);
  const [now, setNow] = useState(Date.now());

  const setFilter = (key: string, value: string) => {
    const params = new URLSearchParams(search);
    if (value) params.set(key, value);
    else params.delete(key);
    replaceSearch(params);
  };

  useEffect(() => {
    const timer = window.setTimeout(() => {
      if (byText.trim() !== startedBy) setFilter('by', byText.trim());
    }, 400);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [byText]);

  const templates = useAsync(
    () =>
      gql<{ templates: Template[] }>(TEMPLATES, { projectId: project.id, includeArchived: true }).then(
        (d) => d.templates,
      ),
    [project.id],
  );
  const variables = {
    projectId: project.id,
    status: status || null,
    templateId: templateId || null,
    startedBy: startedBy || null,
  };
  const runs = useAsync(
    () => gql<{ runs: RunsPage }>(RUNS, { ...variables, first: PAGE_SIZE }).then((d) => d.runs),
    [project.id, status, templateId, startedBy],
  );

  useEffect(() => {
    setExtra([]);
    setNext(null);
  }, [project.id, status, templateId, startedBy]);

  // Live status: refresh the first page while the tab is visible.
  const reloadRuns = runs.reload;
  useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now());
      if (document.visibilityState === 'visible') void reloadRuns();
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reloadRuns]);

  const loadMore = async () => {
    const cursor = (next ?? runs.data?.pageInfo)?.endCursor;
    if (!cursor) return;
    const { runs: page } = await gql<{ runs: RunsPage }>(RUNS, { ...variables, first: PAGE_SIZE, after: cursor });
    setExtra((current) => [...current, ...page.nodes]);
    setNext(page.pageInfo);
  };

  const since = PERIODS.find((p) => p.key === period)?.ms ?? null;
  const all = [...(runs.data?.nodes ?? []), ...extra.filter((run) => !runs.data?.nodes.some((r) => r.id === run.id))];
  const shown = since === null ? all : all.filter((run) => now - new Date(run.createdAt).getTime() <= since);
  const pageInfo = next ?? runs.data?.pageInfo;
  const oldestShown = all[all.length - 1];
  const mayHaveMore =
    !!pageInfo?.hasNextPage &&
    (since === null || (oldestShown && now - new Date(oldestShown.createdAt).getTime() <= since));

  return (
    <div className="page">
      <header className="page-header">
        <h1>Runs</h1>
        {canOperate && (
          <Link
            className="btn btn-primary"
            to={projectPath(project.id, `runs/new${templateId ? `?template=${templateId}` : ''}`)}
          >
            Start run
          </Link>
        )}
      </header>
      <form className="toolbar filters" aria-label="Filter runs" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="filter-status" className="field-label">
            Status
          </label>
          <select id="filter-status" value={status} onChange={(event) => setFilter('status', event.target.value)}>
            <option value="">Any status</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-template" className="field-label">
            Template
          </label>
          <select
            id="filter-template"
            value={templateId}
            onChange={(event) => setFilter('template', event.target.value)}
          >
            <option value="">Any template</option>
            {(templates.data ?? []).map((template) => (
              <option key={template.id} value={template.id}>
                {template.name}
                {template.archived ? ' (archived)' : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-by" className="field-label">
            Started by
          </label>
          <input
            id="filter-by"
            placeholder="username or token:name"
            value={byText}
            onChange={(event) => setByText(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="filter-since" className="field-label">
            Started
          </label>
          <select id="filter-since" value={period} onChange={(event) => setFilter('since', event.target.value)}>
            {PERIODS.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      </form>
      {runs.error && !runs.data ? (
        <ErrorBox error={runs.error} onRetry={() => void runs.reload()} title="The runs could not be loaded" />
      ) : !runs.data ? (
        <Loading what="Loading runs" />
      ) : shown.length === 0 ? (
        <EmptyState
          title={status || templateId || startedBy || period ? 'No run matches these filters' : 'No runs yet'}
        >
          {canOperate && !(status || templateId || startedBy || period) && 'Start one from a template.'}
        </EmptyState>
      ) : (
        <>
          <table className="table runs-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Template</th>
                <th scope="col">Started by</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Waiting on</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link
                      to={projectPath(project.id, `runs/${run.id}`)}
                      aria-label={`Run ${run.templateName} ${run.status.toLowerCase()}, started ${relativeTime(run.createdAt, now)}`}
                    >
                      <StatusBadge status={run.status} />
                    </Link>
                  </td>
                  <td>
                    <Link to={projectPath(project.id, `runs/${run.id}`)}>{run.templateName}</Link>{' '}
                    <span className="muted">v{run.version}</span>
                  </td>
                  <td>{run.startedBy}</td>
                  <td title={formatTime(run.createdAt)}>{relativeTime(run.createdAt, now)}</td>
                  <td>
                    {elapsed(
                      run.startedAt ?? run.createdAt,
                      TERMINAL_RUN_STATUSES.includes(run.status) ? run.endedAt : null,
                      now,
                    )}
                  </td>
                  <td className="clip waiting-cell">{(run.waitingOn ?? []).map((w) => w.message).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {mayHaveMore && (
            <button type="button" className="btn" onClick={() => void loadMore()}>
              Load older runs
            </button>
          )}
          {runs.error ? <p className="field-error">Live refresh failed; retrying.</p> : null}
        </>
      )}
    </div>
  );
}
