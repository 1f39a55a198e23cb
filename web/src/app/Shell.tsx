/** The frame around every page: brand, project switcher with your role, navigation, account. */
import type { ReactNode } from 'react';
import { roleAtLeast, type Project } from '../api/types';
import { projectPath } from './project';
import { Link, navigate, useLocation } from './router';
import { useSession } from './session';

const SECTIONS: Array<{ key: string; label: string; owner?: boolean }> = [
  { key: 'runs', label: 'Runs' },
  { key: 'templates', label: 'Templates' },
  { key: 'schedules', label: 'Schedules' },
  { key: 'members', label: 'Members' },
  { key: 'audit', label: 'Audit log', owner: true },
];

function ProjectSwitcher({ project }: { project?: Project }) {
  const { projects } = useSession();
  const { pathname } = useLocation();
  if (!projects || projects.length === 0) return null;
  const section = /^\/p\/[^/]+\/([a-z]+)/.exec(pathname)?.[1] ?? 'runs';
  return (
    <div className="project-switcher">
      <label htmlFor="project-switcher">Project</label>
      <select
        id="project-switcher"
        value={project?.id ?? ''}
        onChange={(event) => navigate(projectPath(event.target.value, section))}
      >
        {!project && <option value="">Choose a project…</option>}
        {projects.map((candidate) => (
          <option key={candidate.id} value={candidate.id}>
            {candidate.name} — {candidate.myRole?.toLowerCase() ?? 'no role'}
          </option>
        ))}
      </select>
      {project?.myRole && (
        <span className={`role role-${project.myRole.toLowerCase()}`} title="Your role in this project">
          {project.myRole.toLowerCase()}
        </span>
      )}
    </div>
  );
}

export function Shell({ section, project, children }: { section: string; project?: Project; children: ReactNode }) {
  const { user, logout } = useSession();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Switchyard home">
          <img src="/favicon.svg" alt="" width={22} height={22} />
          <span>Switchyard</span>
        </Link>
        <ProjectSwitcher project={project} />
        {project && (
          <nav aria-label="Sections" className="sections">
            {SECTIONS.filter((item) => !item.owner || roleAtLeast(project.myRole, 'OWNER')).map((item) => (
              <Link
                key={item.key}
                to={projectPath(project.id, item.key)}
                className={section === item.key ? 'section-link active' : 'section-link'}
                aria-current={section === item.key ? 'page' : undefined}
              >
                {item.label}
              </Link>
            ))}
          </nav>
        )}
        <div className="account">
          <Link to="/projects" className={section === 'projects' ? 'section-link active' : 'section-link'}>
            Projects
          </Link>
          <span className="user" title={user?.isAdmin ? 'Global administrator' : undefined}>
            {user?.username}
            {user?.isAdmin && <span className="role role-admin">admin</span>}
          </span>
          <button type="button" className="btn btn-ghost" onClick={() => logout()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
