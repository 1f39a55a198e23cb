/**
 * The DAG editor: palette, canvas (or YAML), inspector, live validation; saves a new template or
 * a new version of an existing one.
 */
import { memo, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { ApiError, errorMessage, gql } from '../api/client';
import { CREATE_TEMPLATE, PLUGINS, TEMPLATE, UPDATE_TEMPLATE, VALIDATE_DEFINITION } from '../api/documents';
import type { DefinitionValidation, PluginInfo, Template, TemplateVersion } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link, navigate, setNavigationGuard, useLocation } from '../app/router';
import { EmptyState, ErrorBox, Loading, Spinner, Tabs } from '../components/ui';
import { editorReducer, initialEditorState } from '../editor/editor-state';
import { DefinitionInspector, EdgeInspector, NodeInspector } from '../editor/Inspector';
import { Palette } from '../editor/Palette';
import { YamlView } from '../editor/YamlView';
import { DagCanvas, type Selection } from '../graph/DagCanvas';
import {
  emptyDefinition,
  inReadingOrder,
  indexProblems,
  NO_PROBLEMS,
  prune,
  type Definition,
  type LocatedProblem,
  type ProblemIndex,
} from '../lib/definition';
import { useAsync } from '../lib/use-async';

type TemplateWithVersions = Template & { versions: TemplateVersion[] };

interface ValidationState {
  checking: boolean;
  /** The definition the problems were found in (their indexes point into it). */
  checked: Definition | null;
  problems: ProblemIndex;
  warnings: Array<{ path: string; message: string }>;
  error: unknown;
}

function useValidation(definition: Definition): ValidationState {
  const [state, setState] = useState<ValidationState>({
    checking: false,
    checked: null,
    problems: NO_PROBLEMS,
    warnings: [],
    error: undefined,
  });
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    setState((current) => ({ ...current, checking: true }));
    const timer = window.setTimeout(() => {
      const snapshot = prune(definition);
      gql<{ validateDefinition: DefinitionValidation }>(VALIDATE_DEFINITION, { definition: snapshot })
        .then(({ validateDefinition }) => {
          if (mine !== latest.current) return;
          setState({
            checking: false,
            checked: snapshot,
            problems: indexProblems(snapshot, validateDefinition.problems),
            warnings: validateDefinition.warnings,
            error: undefined,
          });
        })
        .catch((error: unknown) => {
          if (mine !== latest.current) return;
          setState((current) => ({ ...current, checking: false, error }));
        });
    }, 400);
    return () => window.clearTimeout(timer);
  }, [definition]);
  return state;
}

function ProblemsPanel({
  problems,
  warnings,
  checking,
  error,
  onPick,
}: {
  problems: ProblemIndex;
  warnings: Array<{ path: string; message: string }>;
  checking: boolean;
  error: unknown;
  onPick(problem: LocatedProblem): void;
}) {
  const count = problems.all.length;
  return (
    <section className="problems-panel" aria-label="Validation">
      <div className="problems-summary" role="status" aria-live="polite">
        {checking ? (
          <>
            <Spinner label="Validating" /> Validating…
          </>
        ) : error ? (
          <span className="field-error">Could not validate: {errorMessage(error)}</span>
        ) : count === 0 ? (
          <span className="ok">
            ✓ Valid{warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''}
          </span>
        ) : (
          <span className="bad">
            ⚠ {count} problem{count === 1 ? '' : 's'}
          </span>
        )}
      </div>
      {(count > 0 || warnings.length > 0) && (
        <ul className="problems-list">
          {problems.all.map((problem, index) => (
            <li key={index}>
              <button type="button" className="link-button problem" onClick={() => onPick(problem)}>
                <code>{problem.path}</code> {problem.message}
              </button>
            </li>
          ))}
          {warnings.map((warning, index) => (
            <li key={`w${index}`} className="warning">
              <code>{warning.path}</code> {warning.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "Go to node": every node id, those with problems flagged; for keyboards and large graphs. */
const NodePicker = memo(function NodePicker({
  ids,
  flagged,
  value,
  onPick,
}: {
  ids: string;
  flagged: string;
  value: string;
  onPick(id: string): void;
}) {
  const withProblems = new Set(flagged.split('\n'));
  return (
    <>
      <label htmlFor="goto-node" className="visually-hidden">
        Go to node
      </label>
      <select id="goto-node" value={value} onChange={(event) => onPick(event.target.value)}>
        <option value="">Go to node…</option>
        {ids
          .split('\n')
          .filter(Boolean)
          .map((id) => (
            <option key={id} value={id}>
              {id}
              {withProblems.has(id) ? ' ⚠' : ''}
            </option>
          ))}
      </select>
    </>
  );
});

function Editor({
  template,
  startFrom,
  plugins,
  pluginsError,
}: {
  template: TemplateWithVersions | null;
  startFrom: Definition;
  plugins: PluginInfo[] | undefined;
  pluginsError: unknown;
}) {
  const { project } = useProject();
  const [state, dispatch] = useReducer(editorReducer, startFrom, initialEditorState);
  const [view, setView] = useState<'canvas' | 'yaml'>('canvas');
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const validation = useValidation(state.definition);
  const { definition, selection } = state;

  // Problems point at the definition they were found in; map them to the current one by node id.
  const problems = validation.problems;

  useEffect(() => {
    if (!state.dirty) return;
    const message = 'You have unsaved changes in the editor. Leave and lose them?';
    const remove = setNavigationGuard(() => message);
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      remove();
      window.removeEventListener('beforeunload', beforeUnload);
    };
  }, [state.dirty]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT'))
        return;
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'z') {
        event.preventDefault();
        dispatch({ type: event.shiftKey ? 'redo' : 'undo' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Strings, so the picker re-renders only when ids or flags change (not on every keystroke).
  const nodeIds = useMemo(() => definition.nodes.map((node) => node.id).join('\n'), [definition.nodes]);
  const flaggedIds = useMemo(() => [...problems.byNode.keys()].join('\n'), [problems]);
  const pickNode = useCallback((id: string) => {
    setView('canvas');
    dispatch({ type: 'select', selection: id ? { kind: 'node', id } : null });
  }, []);

  const typeTitles = useMemo(() => new Map((plugins ?? []).map((plugin) => [plugin.type, plugin.title])), [plugins]);
  const onSelect = useCallback((next: Selection) => dispatch({ type: 'select', selection: next }), []);
  const addNode = useCallback(
    (type: string) =>
      dispatch({
        type: 'addNode',
        nodeType: type,
        after: state.selection?.kind === 'node' ? state.selection.id : undefined,
      }),
    [state.selection],
  );

  const pick = (problem: LocatedProblem) => {
    setView('canvas');
    if (problem.target.kind === 'node')
      dispatch({ type: 'select', selection: { kind: 'node', id: problem.target.nodeId } });
    else if (problem.target.kind === 'edge')
      dispatch({ type: 'select', selection: { kind: 'edge', index: problem.target.index } });
    else dispatch({ type: 'select', selection: null });
  };

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    setNotice(null);
    const clean = prune(definition);
    try {
      if (template) {
        const { updateTemplate } = await gql<{ updateTemplate: { id: string; latestVersionNumber: number } }>(
          UPDATE_TEMPLATE,
          {
            input: { id: template.id, definition: clean },
          },
        );
        dispatch({ type: 'saved' });
        if (updateTemplate.latestVersionNumber === template.latestVersionNumber) {
          setNotice(`Nothing changed since v${template.latestVersionNumber}: no new version was published.`);
          setSaving(false);
          return;
        }
        navigate(projectPath(project.id, `templates/${template.id}?version=${updateTemplate.latestVersionNumber}`), {
          replace: false,
        });
      } else {
        const { createTemplate } = await gql<{ createTemplate: { id: string } }>(CREATE_TEMPLATE, {
          input: { projectId: project.id, definition: clean },
        });
        dispatch({ type: 'saved' });
        navigate(projectPath(project.id, `templates/${createTemplate.id}`), { replace: false });
      }
    } catch (error) {
      setSaveError(error);
      setSaving(false);
    }
  };

  // Each selection's settings start at the top.
  const side = useRef<HTMLDivElement>(null);
  const selectionKey = selection ? (selection.kind === 'node' ? `n:${selection.id}` : `e:${selection.index}`) : '';
  useEffect(() => {
    side.current?.scrollTo({ top: 0 });
  }, [selectionKey]);

  const selectedNode =
    selection?.kind === 'node' ? definition.nodes.find((node) => node.id === selection.id) : undefined;
  const invalid = problems.all.length > 0;
  const saveProblems = saveError instanceof ApiError ? saveError.problems : [];

  return (
    <div className="editor">
      <header className="editor-toolbar">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link to={projectPath(project.id, 'templates')}>Templates</Link> <span aria-hidden="true">/</span>{' '}
          {template ? (
            <Link to={projectPath(project.id, `templates/${template.id}`)}>{template.name}</Link>
          ) : (
            'New template'
          )}{' '}
          <span aria-hidden="true">/</span> {template ? `Edit (next: v${template.latestVersionNumber + 1})` : 'Design'}
        </nav>
        <div className="toolbar-actions">
          <NodePicker
            ids={nodeIds}
            flagged={flaggedIds}
            value={selection?.kind === 'node' ? selection.id : ''}
            onPick={pickNode}
          />
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dispatch({ type: 'undo' })}
            disabled={state.past.length === 0}
            title="Undo (Ctrl+Z)"
          >
            Undo
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dispatch({ type: 'redo' })}
            disabled={state.future.length === 0}
            title="Redo (Ctrl+Shift+Z)"
          >
            Redo
          </button>
          <button
            type="button"
            className="btn btn-small"
            onClick={() => dispatch({ type: 'layout' })}
            disabled={view !== 'canvas'}
          >
            Auto layout
          </button>
          <span className={state.dirty ? 'dirty' : 'muted'}>{state.dirty ? 'Unsaved changes' : 'Saved'}</span>
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void save()}
            disabled={saving || definition.nodes.length === 0}
            title={invalid ? 'The validator reports problems; the server will refuse them.' : undefined}
          >
            {saving ? 'Saving…' : template ? 'Save as new version' : 'Create template'}
          </button>
        </div>
      </header>
      {saveError ? (
        <div className="state state-error" role="alert">
          <strong>Not saved: {saveError instanceof ApiError ? saveError.message : errorMessage(saveError)}</strong>
          {saveProblems.length > 0 && (
            <ul>
              {saveProblems.map((problem, index) => (
                <li key={index}>
                  <code>{problem.path}</code> {problem.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : null}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <div className="editor-body">
        <Palette plugins={plugins} pluginsError={pluginsError} onAdd={addNode} />
        <div className="editor-center">
          <Tabs
            label="Editor views"
            active={view}
            onChange={setView}
            tabs={[
              { key: 'canvas', label: 'Canvas' },
              { key: 'yaml', label: 'YAML' },
            ]}
          />
          {view === 'canvas' ? (
            <div className="canvas-box editor-canvas">
              {definition.nodes.length === 0 && (
                <div className="canvas-hint">
                  <EmptyState title="An empty graph">
                    Drag a plugin or a gateway from the palette, or press one to add it.
                  </EmptyState>
                </div>
              )}
              <DagCanvas
                label="Template graph"
                definition={definition}
                positions={state.positions}
                problems={problems}
                selection={selection}
                onSelect={onSelect}
                editable
                typeTitles={typeTitles}
                fitKey={state.fitKey}
                onMove={(id, position) => dispatch({ type: 'move', id, position })}
                onConnect={(from, to) => dispatch({ type: 'connect', from, to })}
                onDelete={(ids, edgeIndexes) => dispatch({ type: 'deleteNodes', ids, edgeIndexes })}
                onDropType={(type, position) => dispatch({ type: 'addNode', nodeType: type, position })}
              />
            </div>
          ) : (
            <YamlView
              definition={definition}
              onChange={(next) => dispatch({ type: 'replace', definition: next })}
              problems={problems.all}
            />
          )}
          <ProblemsPanel
            problems={problems}
            warnings={validation.warnings}
            checking={validation.checking}
            error={validation.error}
            onPick={pick}
          />
        </div>
        <div className="editor-side" ref={side}>
          {selectedNode ? (
            <NodeInspector
              key={selectedNode.id}
              node={selectedNode}
              definition={definition}
              plugins={plugins}
              dispatch={dispatch}
              problems={problems}
            />
          ) : selection?.kind === 'edge' ? (
            <EdgeInspector
              key={selection.index}
              index={selection.index}
              definition={definition}
              dispatch={dispatch}
              problems={problems}
            />
          ) : (
            <DefinitionInspector definition={definition} dispatch={dispatch} problems={problems} />
          )}
        </div>
      </div>
    </div>
  );
}

export function EditorPage({ templateId }: { templateId: string | null }) {
  const { project, canEdit } = useProject();
  const { search } = useLocation();
  const from = search.get('from');
  const template = useAsync(
    () =>
      templateId
        ? gql<{ template: TemplateWithVersions }>(TEMPLATE, { id: templateId }).then((data) => data.template)
        : Promise.resolve(null),
    [templateId],
  );
  const plugins = useAsync(() => gql<{ plugins: PluginInfo[] }>(PLUGINS).then((data) => data.plugins), []);

  if (!canEdit) {
    return (
      <EmptyState title="Editors design templates">
        Your role in {project.name} does not allow editing templates.{' '}
        <Link to={projectPath(project.id, 'templates')}>Back to templates</Link>
      </EmptyState>
    );
  }
  if (template.error) return <ErrorBox error={template.error} onRetry={() => void template.reload()} />;
  if (template.data === undefined) return <Loading what="Loading the template" />;
  let startFrom: Definition;
  if (template.data) {
    const versions = template.data.versions;
    const chosen = versions.find((version) => String(version.version) === from) ?? versions[0];
    startFrom = chosen ? inReadingOrder(structuredClone(chosen.definition)) : emptyDefinition(template.data.name);
    if (!Array.isArray(startFrom.edges)) startFrom.edges = [];
  } else {
    startFrom = emptyDefinition();
  }
  return (
    <Editor
      key={templateId ?? 'new'}
      template={template.data}
      startFrom={startFrom}
      plugins={plugins.data}
      pluginsError={plugins.error}
    />
  );
}
