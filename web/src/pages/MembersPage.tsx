/** Who has which role in the project; owners add, change and remove members. */
import { useState, type FormEvent } from 'react';
import { errorMessage, gql } from '../api/client';
import { ADD_MEMBER, CHANGE_MEMBER, MEMBERS, REMOVE_MEMBER } from '../api/documents';
import { ROLES, type Membership, type Role } from '../api/types';
import { useProject } from '../app/project';
import { useSession } from '../app/session';
import { EmptyState, ErrorBox, Loading } from '../components/ui';
import { formatTime } from '../lib/format';
import { useAsync } from '../lib/use-async';

const ROLE_HELP: Record<Role, string> = {
  VIEWER: 'reads templates and runs',
  OPERATOR: 'also starts and steers runs, decides approvals',
  EDITOR: 'also designs templates and schedules',
  OWNER: 'also manages members',
};

export function MembersPage() {
  const { project, isOwner } = useProject();
  const { user, reloadProjects } = useSession();
  const members = useAsync(
    () => gql<{ project: { members: Membership[] } }>(MEMBERS, { id: project.id }).then((d) => d.project.members),
    [project.id],
  );
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<Role>('VIEWER');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (document: string, variables: Record<string, unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await gql(document, { projectId: project.id, ...variables });
      await members.reload();
      if (variables.username === user?.username) await reloadProjects();
      return true;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (await run(ADD_MEMBER, { username: username.trim(), role })) setUsername('');
  };

  const list = [...(members.data ?? [])].sort((a, b) => a.user.username.localeCompare(b.user.username));

  return (
    <div className="page">
      <header className="page-header">
        <h1>Members of {project.name}</h1>
      </header>
      <p className="help">
        {ROLES.map((r) => (
          <span key={r} className="role-help">
            <span className={`role role-${r.toLowerCase()}`}>{r.toLowerCase()}</span> {ROLE_HELP[r]}.{' '}
          </span>
        ))}
      </p>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {members.error ? (
        <ErrorBox error={members.error} onRetry={() => void members.reload()} />
      ) : !members.data ? (
        <Loading what="Loading members" />
      ) : list.length === 0 ? (
        <EmptyState title="No members yet" />
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Member since</th>
              {isOwner && (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {list.map((member) => (
              <tr key={member.id}>
                <td>{member.user.username}</td>
                <td>
                  {isOwner ? (
                    <select
                      aria-label={`Role of ${member.user.username}`}
                      value={member.role}
                      disabled={busy}
                      onChange={(event) =>
                        void run(CHANGE_MEMBER, { username: member.user.username, role: event.target.value })
                      }
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r.toLowerCase()}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <span className={`role role-${member.role.toLowerCase()}`}>{member.role.toLowerCase()}</span>
                  )}
                </td>
                <td>{formatTime(member.createdAt)}</td>
                {isOwner && (
                  <td className="actions">
                    <button
                      type="button"
                      className="btn btn-small btn-ghost"
                      disabled={busy}
                      onClick={() => {
                        if (window.confirm(`Remove ${member.user.username} from ${project.name}?`))
                          void run(REMOVE_MEMBER, { username: member.user.username });
                      }}
                    >
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isOwner && (
        <form className="card form-inline" onSubmit={(event) => void add(event)} aria-labelledby="add-member-title">
          <h2 id="add-member-title">Add a member</h2>
          <div className="field">
            <label htmlFor="member-username" className="field-label">
              Username
            </label>
            <input
              id="member-username"
              required
              value={username}
              onChange={(event) => setUsername(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor="member-role" className="field-label">
              Role
            </label>
            <select id="member-role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r.toLowerCase()}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy || !username.trim()}>
            Add member
          </button>
        </form>
      )}
    </div>
  );
}
