/** Two versions of a template side by side: what changed in settings, nodes and edges. */
import { useMemo } from 'react';
import { gql } from '../api/client';
import { TEMPLATE } from '../api/documents';
import type { Template, TemplateVersion } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link, replaceSearch, useLocation } from '../app/router';
import { EmptyState, ErrorBox, Loading } from '../components/ui';
import type { EdgeDefinition, JsonValue } from '../lib/definition';
import { diffDefinitions, type FieldChange } from '../lib/diff';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

function show(value: JsonValue | undefined): string {
  if (value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function Changes({ changes }: { changes: FieldChange[] }) {
  return (
    <ul className="field-changes">
      {changes.map((change) => (
        <li key={change.path} className={`change change-${change.kind}`}>
          <code className="change-path">{change.path}</code>{' '}
          {change.kind === 'added' && (
            <>
              <span className="change-word">added</span> <code className="after">{show(change.after)}</code>
            </>
          )}
          {change.kind === 'removed' && (
            <>
              <span className="change-word">removed</span> <code className="before">{show(change.before)}</code>
            </>
          )}
          {change.kind === 'changed' && (
            <>
              <code className="before">{show(change.before)}</code> <span aria-label="becomes">→</span>{' '}
              <code className="after">{show(change.after)}</code>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function edgeText(edge: EdgeDefinition): string {
  return `${edge.from} → ${edge.to}${edge.default ? ' (default)' : ''}${edge.when ? ` when ${edge.when}` : ''}`;
}

function VersionPicker({
  id,
  label,
  value,
  versions,
  onChange,
}: {
  id: string;
  label: string;
  value: number;
  versions: TemplateVersion[];
  onChange(v: number): void;
}) {
  return (
    <span className="picker">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(Number(event.target.value))}>
        {versions.map((version) => (
          <option key={version.id} value={version.version}>
            v{version.version} · {version.author} · {formatTime(version.createdAt)}
          </option>
        ))}
      </select>
    </span>
  );
}

export function ComparePage({ templateId }: { templateId: string }) {
  const { project } = useProject();
  const { search } = useLocation();
  const template = useAsync(
    () =>
      gql<{ template: Template & { versions: TemplateVersion[] } }>(TEMPLATE, { id: templateId }).then(
        (d) => d.template,
      ),
    [templateId],
  );
  const versions = template.data?.versions ?? [];
  const a = Number(search.get('a') ?? versions[1]?.version ?? 1);
  const b = Number(search.get('b') ?? versions[0]?.version ?? 1);
  const before = versions.find((version) => version.version === a);
  const after = versions.find((version) => version.version === b);
  const diff = useMemo(
    () => (before && after ? diffDefinitions(before.definition, after.definition) : null),
    [before, after],
  );

  if (template.error) return <ErrorBox error={template.error} onRetry={() => void template.reload()} />;
  if (!template.data) return <Loading what="Loading versions" />;
  const set = (key: 'a' | 'b', value: number) => {
    const params = new URLSearchParams({ a: String(a), b: String(b) });
    params.set(key, String(value));
    replaceSearch(params);
  };

  return (
    <div className="page">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={projectPath(project.id, 'templates')}>Templates</Link> <span aria-hidden="true">/</span>{' '}
        <Link to={projectPath(project.id, `templates/${templateId}`)}>{template.data.name}</Link>{' '}
        <span aria-hidden="true">/</span> Compare
      </nav>
      <header className="page-header">
        <h1>Compare versions</h1>
        <div className="toolbar">
          <VersionPicker id="diff-a" label="From" value={a} versions={versions} onChange={(v) => set('a', v)} />
          <VersionPicker id="diff-b" label="To" value={b} versions={versions} onChange={(v) => set('b', v)} />
        </div>
      </header>
      {!before || !after || !diff ? (
        <EmptyState title="Choose two versions of this template" />
      ) : diff.same ? (
        <EmptyState title={`v${a} and v${b} say the same thing`} />
      ) : (
        <div className="diff">
          {diff.settings.length > 0 && (
            <section className="card" aria-labelledby="diff-settings">
              <h2 id="diff-settings">Settings</h2>
              <Changes changes={diff.settings} />
            </section>
          )}
          <section className="card" aria-labelledby="diff-nodes">
            <h2 id="diff-nodes">
              Nodes{' '}
              <span className="muted">
                +{diff.nodes.added.length} −{diff.nodes.removed.length} ~{diff.nodes.changed.length}
              </span>
            </h2>
            {diff.nodes.added.length + diff.nodes.removed.length + diff.nodes.changed.length === 0 && (
              <p className="muted">No node changed.</p>
            )}
            <ul className="diff-list">
              {diff.nodes.added.map((node) => (
                <li key={`+${node.id}`} className="change change-added">
                  <span className="change-word">added</span> <code>{node.id}</code>{' '}
                  <span className="muted">{node.type}</span>
                  {node.with && (
                    <Changes
                      changes={Object.entries(node.with).map(([k, v]) => ({
                        path: `with.${k}`,
                        kind: 'added',
                        after: v,
                      }))}
                    />
                  )}
                </li>
              ))}
              {diff.nodes.removed.map((node) => (
                <li key={`-${node.id}`} className="change change-removed">
                  <span className="change-word">removed</span> <code>{node.id}</code>{' '}
                  <span className="muted">{node.type}</span>
                </li>
              ))}
              {diff.nodes.changed.map((node) => (
                <li key={`~${node.id}`} className="change change-changed">
                  <span className="change-word">changed</span> <code>{node.id}</code>
                  <Changes changes={node.changes} />
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="diff-edges">
            <h2 id="diff-edges">
              Edges{' '}
              <span className="muted">
                +{diff.edges.added.length} −{diff.edges.removed.length} ~{diff.edges.changed.length}
              </span>
            </h2>
            {diff.edges.added.length + diff.edges.removed.length + diff.edges.changed.length === 0 && (
              <p className="muted">No edge changed.</p>
            )}
            <ul className="diff-list">
              {diff.edges.added.map((edge, index) => (
                <li key={`+${index}`} className="change change-added">
                  <span className="change-word">added</span> <code>{edgeText(edge)}</code>
                </li>
              ))}
              {diff.edges.removed.map((edge, index) => (
                <li key={`-${index}`} className="change change-removed">
                  <span className="change-word">removed</span> <code>{edgeText(edge)}</code>
                </li>
              ))}
              {diff.edges.changed.map((edge) => (
                <li key={`~${edge.key}`} className="change change-changed">
                  <span className="change-word">changed</span> <code>{edge.key}</code>
                  <Changes changes={edge.changes} />
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
    </div>
  );
}
