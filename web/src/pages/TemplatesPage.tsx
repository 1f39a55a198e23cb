/** A project's templates: search, open, start, archive; editors create new ones. */
import { useEffect, useState } from 'react';
import { errorMessage, gql } from '../api/client';
import { ARCHIVE_TEMPLATE, TEMPLATES, UNARCHIVE_TEMPLATE } from '../api/documents';
import type { Template } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link } from '../app/router';
import { EmptyState, ErrorBox, Loading, StatusBadge } from '../components/ui';
import { relativeTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

export function TemplatesPage() {
  const { project, canEdit, canOperate } = useProject();
  const [search, setSearch] = useState('');
  const [debounced, setDebounced] = useState('');
  const [includeArchived, setIncludeArchived] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(search.trim()), 250);
    return () => window.clearTimeout(timer);
  }, [search]);

  const templates = useAsync(
    () =>
      gql<{ templates: Template[] }>(TEMPLATES, {
        projectId: project.id,
        search: debounced || null,
        includeArchived,
      }).then((data) => data.templates),
    [project.id, debounced, includeArchived],
  );

  const toggleArchive = async (template: Template) => {
    setActionError(null);
    if (
      !template.archived &&
      !window.confirm(`Archive "${template.name}"? It starts no new runs; its versions and runs stay.`)
    )
      return;
    try {
      await gql(template.archived ? UNARCHIVE_TEMPLATE : ARCHIVE_TEMPLATE, { id: template.id });
      await templates.reload();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <h1>Templates</h1>
        {canEdit && (
          <Link className="btn btn-primary" to={projectPath(project.id, 'templates/new')}>
            New template
          </Link>
        )}
      </header>
      <div className="toolbar" role="search">
        <label htmlFor="template-search" className="visually-hidden">
          Search templates
        </label>
        <input
          id="template-search"
          type="search"
          placeholder="Search by name or description"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeArchived}
            onChange={(event) => setIncludeArchived(event.target.checked)}
          />
          Show archived
        </label>
      </div>
      {actionError && (
        <p className="field-error" role="alert">
          {actionError}
        </p>
      )}
      {templates.error ? (
        <ErrorBox error={templates.error} onRetry={() => void templates.reload()} />
      ) : !templates.data ? (
        <Loading what="Loading templates" />
      ) : templates.data.length === 0 ? (
        <EmptyState title={debounced ? `No template matches “${debounced}”` : 'No templates yet'}>
          {!debounced && canEdit && (
            <Link to={projectPath(project.id, 'templates/new')}>Design the first one in the editor</Link>
          )}
          {!debounced && !canEdit && 'Editors of this project design templates.'}
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Version</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {templates.data.map((template) => (
              <tr key={template.id} className={template.archived ? 'row-archived' : undefined}>
                <td>
                  <Link to={projectPath(project.id, `templates/${template.id}`)}>{template.name}</Link>
                  {template.archived && <StatusBadge status="ARCHIVED" />}
                </td>
                <td className="muted clip">{template.description ?? ''}</td>
                <td>v{template.latestVersionNumber}</td>
                <td title={template.updatedAt}>{relativeTime(template.updatedAt)}</td>
                <td className="actions">
                  {canOperate && !template.archived && (
                    <Link className="btn btn-small" to={projectPath(project.id, `runs/new?template=${template.id}`)}>
                      Start run
                    </Link>
                  )}
                  {canEdit && !template.archived && (
                    <Link className="btn btn-small" to={projectPath(project.id, `templates/${template.id}/edit`)}>
                      Edit
                    </Link>
                  )}
                  {canEdit && (
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      onClick={() => void toggleArchive(template)}
                    >
                      {template.archived ? 'Restore' : 'Archive'}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
