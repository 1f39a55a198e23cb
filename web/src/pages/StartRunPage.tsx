/** Starts a run: choose a template and version, fill the form drawn from its inputs. */
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, errorMessage, gql } from '../api/client';
import { START_RUN, TEMPLATE, TEMPLATES } from '../api/documents';
import type { Template, TemplateVersion } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link, navigate, replaceSearch, useLocation } from '../app/router';
import { SchemaForm, type FieldErrors } from '../components/SchemaForm';
import { EmptyState, ErrorBox, Loading } from '../components/ui';
import type { JsonObject } from '../lib/definition';
import { defaultsOf, inputsSchema } from '../lib/schema';
import { useAsync } from '../lib/use-async';

/** A random idempotency key (crypto.randomUUID needs a secure context; this does not). */
function requestKey(): string {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function StartForm({
  template,
  version,
}: {
  template: Template & { versions: TemplateVersion[] };
  version: TemplateVersion;
}) {
  const { project } = useProject();
  const schema = useMemo(() => inputsSchema(version.definition.inputs), [version]);
  const [value, setValue] = useState<JsonObject | undefined>(() => defaultsOf(schema));
  const [requestId] = useState(requestKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const errors: FieldErrors = new Map();
  if (error instanceof ApiError) {
    for (const problem of error.problems) {
      const key = problem.path.replace(/^(input\.)?inputs\.?/, '');
      errors.set(key, [...(errors.get(key) ?? []), problem.message]);
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { startRun } = await gql<{ startRun: { id: string } }>(START_RUN, {
        input: { templateId: template.id, version: version.version, inputs: value ?? {}, requestId },
      });
      navigate(projectPath(project.id, `runs/${startRun.id}`));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const hasInputs = Object.keys(version.definition.inputs ?? {}).length > 0;
  return (
    <form className="card start-form" onSubmit={(event) => void submit(event)} aria-label="Run inputs">
      <h2>Inputs</h2>
      {hasInputs ? (
        <SchemaForm idPrefix="run-input" schema={schema} value={value} onChange={setValue} errors={errors} />
      ) : (
        <p className="muted">This version takes no inputs.</p>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Starting…' : `Start ${template.name} v${version.version}`}
        </button>
        <Link className="btn btn-ghost" to={projectPath(project.id, `templates/${template.id}`)}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

export function StartRunPage() {
  const { project, canOperate } = useProject();
  const { search } = useLocation();
  const templateId = search.get('template') ?? '';
  const wantedVersion = search.get('version');
  const templates = useAsync(
    () => gql<{ templates: Template[] }>(TEMPLATES, { projectId: project.id }).then((d) => d.templates),
    [project.id],
  );
  const template = useAsync(
    () =>
      templateId
        ? gql<{ template: Template & { versions: TemplateVersion[] } }>(TEMPLATE, { id: templateId }).then(
            (d) => d.template,
          )
        : Promise.resolve(null),
    [templateId],
  );

  if (!canOperate) {
    return (
      <EmptyState title="Operators start runs">
        Your role in {project.name} lets you watch runs, not start them.
      </EmptyState>
    );
  }
  const set = (key: string, value: string) => {
    const params = new URLSearchParams(search);
    if (value) params.set(key, value);
    else params.delete(key);
    if (key === 'template') params.delete('version');
    replaceSearch(params);
  };
  const version =
    template.data?.versions.find((v) => String(v.version) === wantedVersion) ?? template.data?.versions[0];

  return (
    <div className="page page-narrow">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to={projectPath(project.id, 'runs')}>Runs</Link> <span aria-hidden="true">/</span> Start a run
      </nav>
      <h1>Start a run</h1>
      <div className="card form-inline">
        <div className="field grow">
          <label htmlFor="start-template" className="field-label">
            Template
          </label>
          <select id="start-template" value={templateId} onChange={(event) => set('template', event.target.value)}>
            <option value="">Choose a template…</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        {template.data && (
          <div className="field">
            <label htmlFor="start-version" className="field-label">
              Version
            </label>
            <select
              id="start-version"
              value={version?.version ?? ''}
              onChange={(event) => set('version', event.target.value)}
            >
              {template.data.versions.map((v, index) => (
                <option key={v.id} value={v.version}>
                  v{v.version}
                  {index === 0 ? ' (latest)' : ''}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {templates.error ? <ErrorBox error={templates.error} onRetry={() => void templates.reload()} /> : null}
      {template.error ? (
        <ErrorBox error={template.error} onRetry={() => void template.reload()} />
      ) : templateId && template.data === undefined ? (
        <Loading what="Loading the template" />
      ) : template.data && template.data.archived ? (
        <EmptyState title="This template is archived">Archived templates start no new runs.</EmptyState>
      ) : template.data && version ? (
        <StartForm key={version.id} template={template.data} version={version} />
      ) : templates.data && templates.data.length === 0 ? (
        <EmptyState title="No templates to run">Editors design templates first.</EmptyState>
      ) : null}
    </div>
  );
}
