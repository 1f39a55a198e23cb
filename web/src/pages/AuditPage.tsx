/** The project's audit log, newest first: who did what, on what, when, and how it went (owners). */
import { Fragment, useState } from 'react';
import { gql } from '../api/client';
import { AUDIT_LOG } from '../api/documents';
import type { AuditLogEntry, PageInfo } from '../api/types';
import { useProject } from '../app/project';
import { EmptyState, ErrorBox, JsonView, Loading, StatusBadge } from '../components/ui';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

interface AuditPageData {
  nodes: AuditLogEntry[];
  pageInfo: PageInfo;
}

export function AuditPage() {
  const { project, isOwner } = useProject();
  const [more, setMore] = useState<AuditLogEntry[]>([]);
  const [pageInfo, setPageInfo] = useState<PageInfo | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const first = useAsync(
    () =>
      isOwner
        ? gql<{ auditLog: AuditPageData }>(AUDIT_LOG, { projectId: project.id, first: 50 }).then((d) => d.auditLog)
        : Promise.resolve(null),
    [project.id, isOwner],
  );
  if (!isOwner)
    return <EmptyState title="Owners read the audit log">Your role in {project.name} does not include it.</EmptyState>;
  if (first.error) return <ErrorBox error={first.error} onRetry={() => void first.reload()} />;
  if (!first.data) return <Loading what="Loading the audit log" />;
  const entries = [...first.data.nodes, ...more];
  const info = pageInfo ?? first.data.pageInfo;
  const loadMore = async () => {
    if (!info.endCursor) return;
    const { auditLog } = await gql<{ auditLog: AuditPageData }>(AUDIT_LOG, {
      projectId: project.id,
      first: 50,
      after: info.endCursor,
    });
    setMore((current) => [...current, ...auditLog.nodes]);
    setPageInfo(auditLog.pageInfo);
  };
  return (
    <div className="page">
      <header className="page-header">
        <h1>Audit log</h1>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setMore([]);
            setPageInfo(null);
            void first.reload();
          }}
        >
          Refresh
        </button>
      </header>
      {entries.length === 0 ? (
        <EmptyState title="Nothing recorded yet" />
      ) : (
        <table className="table audit-table">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">On</th>
              <th scope="col">Outcome</th>
              <th scope="col">
                <span className="visually-hidden">Details</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <Fragment key={entry.id}>
                <tr>
                  <td>{formatTime(entry.at)}</td>
                  <td>{entry.actor}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.resourceType ?? ''}{' '}
                    {entry.resourceId ? <code className="clip-inline">{entry.resourceId}</code> : null}
                  </td>
                  <td>
                    <StatusBadge status={entry.outcome} />
                    {entry.errorCode ? <span className="muted"> {entry.errorCode}</span> : null}
                  </td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      aria-expanded={open === entry.id}
                      onClick={() => setOpen(open === entry.id ? null : entry.id)}
                    >
                      {open === entry.id ? 'Hide' : 'Details'}
                    </button>
                  </td>
                </tr>
                {open === entry.id && (
                  <tr className="detail-row">
                    <td colSpan={6}>
                      <JsonView value={entry.detail} label="Details" />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </table>
      )}
      {info.hasNextPage && (
        <button type="button" className="btn" onClick={() => void loadMore()}>
          Load older entries
        </button>
      )}
    </div>
  );
}
