/**
 * A project's schedules (Temporal Schedules): when each fires, what it runs, its recent runs;
 * editors create, pause, resume, trigger, backfill and delete them.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, errorMessage, gql } from '../api/client';
import {
  BACKFILL_SCHEDULE,
  CREATE_SCHEDULE,
  DELETE_SCHEDULE,
  PAUSE_SCHEDULE,
  RESUME_SCHEDULE,
  SCHEDULES,
  TEMPLATE,
  TEMPLATES,
  TRIGGER_SCHEDULE,
} from '../api/documents';
import { OVERLAP_POLICIES, type OverlapPolicy, type Schedule, type Template, type TemplateVersion } from '../api/types';
import { projectPath, useProject } from '../app/project';
import { Link } from '../app/router';
import { SchemaForm, type FieldErrors } from '../components/SchemaForm';
import { Dialog, EmptyState, ErrorBox, Loading, StatusBadge } from '../components/ui';
import type { JsonObject } from '../lib/definition';
import { formatTime, relativeTime } from '../lib/format';
import { defaultsOf, inputsSchema } from '../lib/schema';
import { useAsync } from '../lib/use-async';

const OVERLAP_HELP: Record<OverlapPolicy, string> = {
  SKIP: 'skip a firing while the previous run is still going (default)',
  BUFFER_ONE: 'run after the current one ends, at most one waiting',
  BUFFER_ALL: 'run every firing, one after the other',
  CANCEL_OTHER: 'cancel the running one, then start',
  TERMINATE_OTHER: 'terminate the running one, then start',
  ALLOW_ALL: 'start every firing, even in parallel',
};

/** `every 5m`, `cron 0 9 * * 1-5 (Europe/Paris)`, `once at ...`. */
export function describeSpec(spec: Schedule['spec']): string {
  if (spec.cron) return `cron ${spec.cron}${spec.timezone ? ` (${spec.timezone})` : ' (UTC)'}`;
  if (spec.intervalSeconds) {
    const s = spec.intervalSeconds;
    const text =
      s % 86_400 === 0 ? `${s / 86_400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
    return `every ${text}`;
  }
  if (spec.at) return `once at ${formatTime(spec.at)}`;
  return '—';
}

type Kind = 'cron' | 'interval' | 'at';

function NewSchedule({ onCreated, onCancel }: { onCreated(): void; onCancel(): void }) {
  const { project } = useProject();
  const templates = useAsync(
    () => gql<{ templates: Template[] }>(TEMPLATES, { projectId: project.id }).then((d) => d.templates),
    [project.id],
  );
  const [templateId, setTemplateId] = useState('');
  const template = useAsync(
    () =>
      templateId
        ? gql<{ template: Template & { versions: TemplateVersion[] } }>(TEMPLATE, { id: templateId }).then(
            (d) => d.template,
          )
        : Promise.resolve(null),
    [templateId],
  );
  const [name, setName] = useState('');
  const [pin, setPin] = useState('');
  const [kind, setKind] = useState<Kind>('cron');
  const [cron, setCron] = useState('0 9 * * 1-5');
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  const [every, setEvery] = useState('3600');
  const [at, setAt] = useState('');
  const [overlap, setOverlap] = useState<OverlapPolicy>('SKIP');
  const [note, setNote] = useState('');
  const [inputs, setInputs] = useState<JsonObject | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const version = template.data?.versions.find((v) => String(v.version) === pin) ?? template.data?.versions[0];
  const schema = useMemo(() => inputsSchema(version?.definition.inputs), [version]);
  const hasInputs = Object.keys(version?.definition.inputs ?? {}).length > 0;

  const errors: FieldErrors = new Map();
  if (error instanceof ApiError) {
    for (const problem of error.problems) {
      const match = /inputs\.?(.*)$/.exec(problem.path);
      if (!match) continue;
      errors.set(match[1], [...(errors.get(match[1]) ?? []), problem.message]);
    }
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const spec =
      kind === 'cron'
        ? { cron: cron.trim(), timezone: timezone.trim() || null }
        : kind === 'interval'
          ? { intervalSeconds: Number(every) }
          : { at: at ? new Date(at).toISOString() : null };
    try {
      await gql(CREATE_SCHEDULE, {
        input: {
          name: name.trim(),
          templateId,
          ...(pin ? { version: Number(pin), followLatest: false } : { followLatest: true }),
          spec,
          inputs: inputs ?? defaultsOf(schema),
          overlap,
          note: note.trim() || null,
        },
      });
      onCreated();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="schedule-form" onSubmit={(event) => void submit(event)}>
      <div className="row">
        <div className="field grow">
          <label htmlFor="schedule-name" className="field-label">
            Name <span className="muted">(lowercase letters, digits and dashes)</span>
          </label>
          <input
            id="schedule-name"
            required
            value={name}
            pattern="[a-z0-9][a-z0-9\-]*"
            onChange={(event) => setName(event.target.value)}
          />
        </div>
      </div>
      <div className="row">
        <div className="field grow">
          <label htmlFor="schedule-template" className="field-label">
            Template
          </label>
          <select
            id="schedule-template"
            required
            value={templateId}
            onChange={(event) => setTemplateId(event.target.value)}
          >
            <option value="">Choose a template…</option>
            {(templates.data ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="schedule-version" className="field-label">
            Version
          </label>
          <select
            id="schedule-version"
            value={pin}
            onChange={(event) => setPin(event.target.value)}
            disabled={!template.data}
          >
            <option value="">always the latest</option>
            {(template.data?.versions ?? []).map((v) => (
              <option key={v.id} value={v.version}>
                v{v.version} (pinned)
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="field field-group">
        <legend className="field-label">When</legend>
        <div className="row">
          {(['cron', 'interval', 'at'] as const).map((k) => (
            <label key={k} className="checkbox">
              <input type="radio" name="schedule-kind" checked={kind === k} onChange={() => setKind(k)} />
              {k === 'cron' ? 'Cron expression' : k === 'interval' ? 'Fixed interval' : 'Once'}
            </label>
          ))}
        </div>
        {kind === 'cron' && (
          <div className="row">
            <div className="field grow">
              <label htmlFor="schedule-cron" className="field-label">
                Cron <span className="muted">(minute hour day month weekday, or @daily)</span>
              </label>
              <input
                id="schedule-cron"
                className="code"
                required
                value={cron}
                onChange={(event) => setCron(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="schedule-timezone" className="field-label">
                Time zone
              </label>
              <input id="schedule-timezone" value={timezone} onChange={(event) => setTimezone(event.target.value)} />
            </div>
          </div>
        )}
        {kind === 'interval' && (
          <div className="field">
            <label htmlFor="schedule-every" className="field-label">
              Every (seconds)
            </label>
            <input
              id="schedule-every"
              type="number"
              min={1}
              required
              value={every}
              onChange={(event) => setEvery(event.target.value)}
            />
          </div>
        )}
        {kind === 'at' && (
          <div className="field">
            <label htmlFor="schedule-at" className="field-label">
              At (your local time)
            </label>
            <input
              id="schedule-at"
              type="datetime-local"
              required
              value={at}
              onChange={(event) => setAt(event.target.value)}
            />
          </div>
        )}
      </fieldset>
      <div className="field">
        <label htmlFor="schedule-overlap" className="field-label">
          When the previous run is still going
        </label>
        <select
          id="schedule-overlap"
          value={overlap}
          onChange={(event) => setOverlap(event.target.value as OverlapPolicy)}
        >
          {OVERLAP_POLICIES.map((policy) => (
            <option key={policy} value={policy}>
              {policy.toLowerCase().replace(/_/g, ' ')}: {OVERLAP_HELP[policy]}
            </option>
          ))}
        </select>
      </div>
      {hasInputs && version && (
        <fieldset className="field field-group">
          <legend className="field-label">Run inputs</legend>
          <SchemaForm
            key={version.id}
            idPrefix="schedule-input"
            schema={schema}
            value={inputs ?? defaultsOf(schema)}
            onChange={setInputs}
            errors={errors}
          />
        </fieldset>
      )}
      <div className="field">
        <label htmlFor="schedule-note" className="field-label">
          Note
        </label>
        <input id="schedule-note" value={note} onChange={(event) => setNote(event.target.value)} />
      </div>
      {error ? (
        <p className="field-error" role="alert">
          {errorMessage(error)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !templateId || !name.trim()}>
          {busy ? 'Creating…' : 'Create schedule'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Backfill({ schedule, onDone }: { schedule: Schedule; onDone(): void }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        setBusy(true);
        setError(null);
        gql(BACKFILL_SCHEDULE, { id: schedule.id, from: new Date(from).toISOString(), to: new Date(to).toISOString() })
          .then(onDone)
          .catch((err: unknown) => {
            setError(errorMessage(err));
            setBusy(false);
          });
      }}
    >
      <p>Starts, now, one run for each time the schedule would have fired in the window.</p>
      <div className="row">
        <div className="field grow">
          <label htmlFor="backfill-from" className="field-label">
            From
          </label>
          <input
            id="backfill-from"
            type="datetime-local"
            required
            value={from}
            onChange={(event) => setFrom(event.target.value)}
          />
        </div>
        <div className="field grow">
          <label htmlFor="backfill-to" className="field-label">
            To
          </label>
          <input
            id="backfill-to"
            type="datetime-local"
            required
            value={to}
            onChange={(event) => setTo(event.target.value)}
          />
        </div>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          Backfill
        </button>
      </div>
    </form>
  );
}

export function SchedulesPage() {
  const { project, canEdit } = useProject();
  const schedules = useAsync(
    () => gql<{ schedules: Schedule[] }>(SCHEDULES, { projectId: project.id }).then((d) => d.schedules),
    [project.id],
  );
  const [creating, setCreating] = useState(false);
  const [backfilling, setBackfilling] = useState<Schedule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const act = async (schedule: Schedule, name: string, document: string, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(schedule.id);
    setError(null);
    try {
      await gql(document, { id: schedule.id });
      await schedules.reload();
    } catch (err) {
      setError(`${name} ${schedule.name}: ${errorMessage(err)}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <h1>Schedules</h1>
        {canEdit && (
          <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
            New schedule
          </button>
        )}
      </header>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {schedules.error ? (
        <ErrorBox error={schedules.error} onRetry={() => void schedules.reload()} />
      ) : !schedules.data ? (
        <Loading what="Loading schedules" />
      ) : schedules.data.length === 0 ? (
        <EmptyState title="No schedules yet">
          {canEdit
            ? 'Runs can start themselves: cron, a fixed interval, or once.'
            : 'Editors of this project create schedules.'}
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Runs</th>
              <th scope="col">When</th>
              <th scope="col">Next</th>
              <th scope="col">Recent runs</th>
              {canEdit && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {schedules.data.map((schedule) => (
              <tr key={schedule.id}>
                <td>
                  <strong>{schedule.name}</strong> {schedule.paused && <StatusBadge status="PAUSED" />}
                  {schedule.note && <div className="muted">{schedule.note}</div>}
                </td>
                <td>
                  <Link to={projectPath(project.id, `templates/${schedule.templateId}`)}>{schedule.templateName}</Link>{' '}
                  <span className="muted">
                    {schedule.followLatest ? `latest (v${schedule.actionVersion ?? '?'})` : `v${schedule.version}`}
                  </span>
                </td>
                <td>
                  <code>{describeSpec(schedule.spec)}</code>
                  <div className="muted">overlap: {schedule.overlap.toLowerCase().replace(/_/g, ' ')}</div>
                </td>
                <td title={schedule.nextActionTimes[0] ? formatTime(schedule.nextActionTimes[0]) : undefined}>
                  {schedule.paused ? (
                    <span className="muted">paused</span>
                  ) : schedule.nextActionTimes[0] ? (
                    relativeTime(schedule.nextActionTimes[0])
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  {schedule.recentActions.length === 0 ? (
                    <span className="muted">none yet</span>
                  ) : (
                    <ul className="plain">
                      {schedule.recentActions
                        .slice(-3)
                        .reverse()
                        .map((action) => (
                          <li key={action.runId}>
                            <Link to={projectPath(project.id, `runs/${action.runId}`)}>
                              {formatTime(action.takenAt)}
                            </Link>
                          </li>
                        ))}
                    </ul>
                  )}
                  <Link
                    className="muted block-link"
                    to={projectPath(
                      project.id,
                      `runs?template=${schedule.templateId}&by=${encodeURIComponent(`schedule:${schedule.name}`)}`,
                    )}
                  >
                    all runs
                  </Link>
                </td>
                {canEdit && (
                  <td className="actions">
                    {schedule.paused ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy === schedule.id}
                        onClick={() => void act(schedule, 'Resume', RESUME_SCHEDULE)}
                      >
                        Resume
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-small"
                        disabled={busy === schedule.id}
                        onClick={() => void act(schedule, 'Pause', PAUSE_SCHEDULE)}
                      >
                        Pause
                      </button>
                    )}
                    <button
                      type="button"
                      className="btn btn-small"
                      disabled={busy === schedule.id}
                      onClick={() => void act(schedule, 'Trigger', TRIGGER_SCHEDULE)}
                    >
                      Run now
                    </button>
                    <button type="button" className="btn btn-small" onClick={() => setBackfilling(schedule)}>
                      Backfill…
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      disabled={busy === schedule.id}
                      onClick={() =>
                        void act(
                          schedule,
                          'Delete',
                          DELETE_SCHEDULE,
                          `Delete the schedule ${schedule.name}? Its runs stay.`,
                        )
                      }
                    >
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Dialog title="New schedule" open={creating} onClose={() => setCreating(false)} wide>
        <NewSchedule
          onCancel={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            void schedules.reload();
          }}
        />
      </Dialog>
      <Dialog
        title={`Backfill ${backfilling?.name ?? ''}`}
        open={backfilling !== null}
        onClose={() => setBackfilling(null)}
      >
        {backfilling && (
          <Backfill
            schedule={backfilling}
            onDone={() => {
              setBackfilling(null);
              void schedules.reload();
            }}
          />
        )}
      </Dialog>
    </div>
  );
}
