/** One template: its versions, any version as a graph or YAML, and what can be done with it. */
import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import { errorMessage, gql } from '../api/client';
import { ARCHIVE_TEMPLATE, TEMPLATE, UNARCHIVE_TEMPLATE } from '../api/documents';
import type { Template, TemplateVersion } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link, navigate, replaceSearch, useLocation } from '../app/router';
import { DagCanvas, type Selection } from '../graph/DagCanvas';
import { EmptyState, ErrorBox, Fact, JsonView, Loading, StatusBadge, Tabs } from '../components/ui';
import { inReadingOrder } from '../lib/definition';
import { formatTime, shortHash } from '../lib/format';
import { layoutDefinition } from '../lib/layout';
import { useAsync } from '../lib/use-async';

type TemplateWithVersions = Template & { versions: TemplateVersion[] };

function VersionView({ version }: { version: TemplateVersion }) {
  const [tab, setTab] = useState<'graph' | 'yaml' | 'inputs'>('graph');
  const [selection, setSelection] = useState<Selection>(null);
  const positions = useMemo(() => layoutDefinition(version.definition), [version.definition]);
  const yaml = useMemo(() => stringify(inReadingOrder(version.definition), { lineWidth: 0 }), [version.definition]);
  const selectedNode =
    selection?.kind === 'node' ? version.definition.nodes.find((node) => node.id === selection.id) : undefined;
  const inputs = Object.entries(version.definition.inputs ?? {});
  return (
    <section className="card" aria-label={`Version ${version.version}`}>
      <div className="card-header">
        <h2>Version {version.version}</h2>
        <span className="muted">
          by {version.author}, {formatTime(version.createdAt)} ·{' '}
          <code title={version.contentHash}>{shortHash(version.contentHash)}</code>
        </span>
      </div>
      <Tabs
        label="Version views"
        active={tab}
        onChange={setTab}
        tabs={[
          { key: 'graph', label: 'Graph' },
          { key: 'yaml', label: 'YAML' },
          { key: 'inputs', label: `Inputs (${inputs.length})` },
        ]}
      />
      {tab === 'graph' && (
        <div className="split">
          <div className="split-main canvas-box">
            {version.definition.nodes.length === 0 ? (
              <EmptyState title="This version has no nodes" />
            ) : (
              <DagCanvas
                label={`Graph of version ${version.version}`}
                definition={version.definition}
                positions={positions}
                selection={selection}
                onSelect={setSelection}
                fitKey={version.id}
              />
            )}
          </div>
          <aside className="split-side" aria-label="Selected node">
            {selectedNode ? (
              <>
                <h3>{selectedNode.name ?? selectedNode.id}</h3>
                <dl className="facts">
                  <Fact label="Id">
                    <code>{selectedNode.id}</code>
                  </Fact>
                  <Fact label="Type">
                    <code>{selectedNode.type}</code>
                  </Fact>
                  {selectedNode.onFailure && <Fact label="On failure">{selectedNode.onFailure}</Fact>}
                </dl>
                <h4>Settings</h4>
                <JsonView value={selectedNode.with} />
                {(selectedNode.retry || selectedNode.timeout) && (
                  <>
                    <h4>Retry and timeout</h4>
                    <JsonView value={{ retry: selectedNode.retry, timeout: selectedNode.timeout }} />
                  </>
                )}
              </>
            ) : (
              <p className="muted">Select a node to see its settings.</p>
            )}
          </aside>
        </div>
      )}
      {tab === 'yaml' && (
        <pre className="yaml-view" tabIndex={0} aria-label="Definition as YAML">
          {yaml}
        </pre>
      )}
      {tab === 'inputs' &&
        (inputs.length === 0 ? (
          <p className="muted">This version takes no inputs.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Input</th>
                <th scope="col">Type</th>
                <th scope="col">Default</th>
                <th scope="col">Description</th>
              </tr>
            </thead>
            <tbody>
              {inputs.map(([key, input]) => (
                <tr key={key}>
                  <td>
                    <code>{key}</code>
                    {input.required ? <span className="required"> *</span> : null}
                  </td>
                  <td>
                    {input.type ?? 'any'}
                    {input.enum ? ` (${input.enum.map(String).join(', ')})` : ''}
                  </td>
                  <td>{input.default === undefined ? '—' : <code>{JSON.stringify(input.default)}</code>}</td>
                  <td className="muted">{input.description ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </section>
  );
}

export function TemplatePage({ templateId }: { templateId: string }) {
  const { project, canEdit, canOperate } = useProject();
  const { search } = useLocation();
  const [actionError, setActionError] = useState<string | null>(null);
  const template = useAsync(
    () => gql<{ template: TemplateWithVersions }>(TEMPLATE, { id: templateId }).then((data) => data.template),
    [templateId],
  );
  const [compareA, setCompareA] = useState<number | null>(null);
  const [compareB, setCompareB] = useState<number | null>(null);

  if (template.error)
    return (
      <ErrorBox
        error={template.error}
        onRetry={() => void template.reload()}
        title="This template could not be loaded"
      />
    );
  if (!template.data) return <Loading what="Loading the template" />;
  const data = template.data;
  const versions = data.versions;
  const wanted = Number(search.get('version') ?? data.latestVersionNumber);
  const shown = versions.find((version) => version.version === wanted) ?? versions[0];
  const a = compareA ?? versions[1]?.version ?? null;
  const b = compareB ?? versions[0]?.version ?? null;

  const toggleArchive = async () => {
    setActionError(null);
    if (!data.archived && !window.confirm(`Archive "${data.name}"? It starts no new runs; its versions and runs stay.`))
      return;
    try {
      await gql(data.archived ? UNARCHIVE_TEMPLATE : ARCHIVE_TEMPLATE, { id: data.id });
      await template.reload();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={projectPath(project.id, 'templates')}>Templates</Link> <span aria-hidden="true">/</span> {data.name}
      </nav>
      <header className="page-header">
        <div>
          <h1>
            {data.name} {data.archived && <StatusBadge status="ARCHIVED" />}
          </h1>
          {data.description && <p className="muted">{data.description}</p>}
        </div>
        <div className="actions">
          {canOperate && !data.archived && (
            <Link
              className="btn btn-primary"
              to={projectPath(project.id, `runs/new?template=${data.id}&version=${shown?.version ?? ''}`)}
            >
              Start run
            </Link>
          )}
          {canEdit && !data.archived && (
            <Link
              className="btn"
              to={projectPath(project.id, `templates/${data.id}/edit?from=${shown?.version ?? ''}`)}
            >
              Edit
            </Link>
          )}
          <Link className="btn" to={projectPath(project.id, `runs?template=${data.id}`)}>
            Runs
          </Link>
          {canEdit && (
            <button type="button" className="btn btn-ghost" onClick={() => void toggleArchive()}>
              {data.archived ? 'Restore' : 'Archive'}
            </button>
          )}
        </div>
      </header>
      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}
      <div className="template-layout">
        <section className="card versions" aria-labelledby="versions-title">
          <h2 id="versions-title">Versions</h2>
          <ol className="version-list">
            {versions.map((version) => (
              <li key={version.id} className={version.id === shown?.id ? 'current' : undefined}>
                <button
                  type="button"
                  className="link-button"
                  aria-current={version.id === shown?.id ? 'true' : undefined}
                  onClick={() => replaceSearch(new URLSearchParams({ version: String(version.version) }))}
                >
                  v{version.version}
                </button>
                <span className="muted">
                  {version.author} · {formatTime(version.createdAt)}
                </span>
              </li>
            ))}
          </ol>
          {versions.length > 1 && (
            <form
              className="compare-form"
              onSubmit={(event) => {
                event.preventDefault();
                navigate(projectPath(project.id, `templates/${data.id}/compare?a=${a}&b=${b}`));
              }}
            >
              <h3>Compare</h3>
              <label htmlFor="compare-a">From</label>
              <select id="compare-a" value={a ?? ''} onChange={(event) => setCompareA(Number(event.target.value))}>
                {versions.map((version) => (
                  <option key={version.id} value={version.version}>
                    v{version.version}
                  </option>
                ))}
              </select>
              <label htmlFor="compare-b">To</label>
              <select id="compare-b" value={b ?? ''} onChange={(event) => setCompareB(Number(event.target.value))}>
                {versions.map((version) => (
                  <option key={version.id} value={version.version}>
                    v{version.version}
                  </option>
                ))}
              </select>
              <button type="submit" className="btn btn-small" disabled={a === b}>
                Compare
              </button>
            </form>
          )}
        </section>
        {shown ? <VersionView key={shown.id} version={shown} /> : <EmptyState title="No version published yet" />}
      </div>
    </div>
  );
}
