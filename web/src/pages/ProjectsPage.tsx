/** The projects you have a role in; global admins create new ones here. */
import { useState, type FormEvent } from 'react';
import { errorMessage, gql } from '../api/client';
import { CREATE_PROJECT } from '../api/documents';
import { projectPath } from '../app/project';
import { Link, navigate } from '../app/router';
import { useSession } from '../app/session';
import { EmptyState } from '../components/ui';

function CreateProject() {
  const { reloadProjects } = useSession();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { createProject } = await gql<{ createProject: { id: string } }>(CREATE_PROJECT, {
        input: { name: name.trim(), description: description.trim() || null },
      });
      await reloadProjects();
      navigate(projectPath(createProject.id, 'members'));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <form className="card form-inline" onSubmit={(event) => void submit(event)} aria-labelledby="new-project-title">
      <h2 id="new-project-title">New project</h2>
      <div className="field">
        <label htmlFor="project-name" className="field-label">
          Name
        </label>
        <input
          id="project-name"
          required
          maxLength={100}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="field grow">
        <label htmlFor="project-description" className="field-label">
          Description
        </label>
        <input id="project-description" value={description} onChange={(event) => setDescription(event.target.value)} />
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy || !name.trim()}>
        Create project
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function ProjectsPage() {
  const { projects = [], user } = useSession();
  return (
    <div className="page">
      <header className="page-header">
        <h1>Projects</h1>
      </header>
      {projects.length === 0 ? (
        <EmptyState title="You have no projects yet">
          {user?.isAdmin ? 'Create the first one below.' : 'Ask a project owner to add you as a member.'}
        </EmptyState>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Your role</th>
              <th scope="col">Description</th>
            </tr>
          </thead>
          <tbody>
            {projects.map((project) => (
              <tr key={project.id}>
                <td>
                  <Link to={projectPath(project.id, 'runs')}>{project.name}</Link>
                </td>
                <td>
                  <span className={`role role-${project.myRole?.toLowerCase() ?? 'none'}`}>
                    {project.myRole?.toLowerCase() ?? '—'}
                  </span>
                </td>
                <td className="muted">{project.description ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {user?.isAdmin && <CreateProject />}
    </div>
  );
}
