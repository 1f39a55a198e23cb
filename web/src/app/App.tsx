/** The app: the login page, or the shell with the page the URL names. */
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { EmptyState, ErrorBox, Loading } from '../components/ui';
import { AuditPage } from '../pages/AuditPage';
import { LoginPage } from '../pages/LoginPage';
import { MembersPage } from '../pages/MembersPage';
import { ProjectsPage } from '../pages/ProjectsPage';
import { RunsPage } from '../pages/RunsPage';
import { SchedulesPage } from '../pages/SchedulesPage';
import { StartRunPage } from '../pages/StartRunPage';
import { TemplatesPage } from '../pages/TemplatesPage';
import { ProjectContext, projectContext, projectPath } from './project';
import { Link, matchPath, navigate, useLocation } from './router';
import { useSession } from './session';
import { Shell } from './Shell';

const LAST_PROJECT_KEY = 'switchyard.lastProject';

// The pages that draw graphs or edit YAML load on first use: the graph and YAML libraries are most
// of the code, and the runs list, where people land, needs neither.
const RunPage = lazy(() => import('../pages/RunPage').then((m) => ({ default: m.RunPage })));
const TemplatePage = lazy(() => import('../pages/TemplatePage').then((m) => ({ default: m.TemplatePage })));
const EditorPage = lazy(() => import('../pages/EditorPage').then((m) => ({ default: m.EditorPage })));
const ComparePage = lazy(() => import('../pages/ComparePage').then((m) => ({ default: m.ComparePage })));

interface ProjectRoute {
  pattern: string;
  render(params: Record<string, string>): ReactNode;
  /** The section highlighted in the navigation. */
  section: string;
}

const PROJECT_ROUTES: ProjectRoute[] = [
  { pattern: '/p/:projectId/templates', section: 'templates', render: () => <TemplatesPage /> },
  { pattern: '/p/:projectId/templates/new', section: 'templates', render: () => <EditorPage templateId={null} /> },
  {
    pattern: '/p/:projectId/templates/:templateId',
    section: 'templates',
    render: (p) => <TemplatePage key={p.templateId} templateId={p.templateId} />,
  },
  {
    pattern: '/p/:projectId/templates/:templateId/edit',
    section: 'templates',
    render: (p) => <EditorPage key={p.templateId} templateId={p.templateId} />,
  },
  {
    pattern: '/p/:projectId/templates/:templateId/compare',
    section: 'templates',
    render: (p) => <ComparePage templateId={p.templateId} />,
  },
  { pattern: '/p/:projectId/runs', section: 'runs', render: () => <RunsPage /> },
  { pattern: '/p/:projectId/runs/new', section: 'runs', render: () => <StartRunPage /> },
  { pattern: '/p/:projectId/runs/:runId', section: 'runs', render: (p) => <RunPage key={p.runId} runId={p.runId} /> },
  { pattern: '/p/:projectId/schedules', section: 'schedules', render: () => <SchedulesPage /> },
  { pattern: '/p/:projectId/members', section: 'members', render: () => <MembersPage /> },
  { pattern: '/p/:projectId/audit', section: 'audit', render: () => <AuditPage /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => {
    navigate(to, { replace: true });
  }, [to]);
  return null;
}

function NotFound() {
  return (
    <EmptyState title="Page not found">
      <Link to="/">Go to the start page</Link>
    </EmptyState>
  );
}

function Routes() {
  const { pathname } = useLocation();
  const { projects, projectsError, reloadProjects } = useSession();

  if (projectsError && !projects) {
    return (
      <Shell section="">
        <ErrorBox
          error={projectsError}
          onRetry={() => void reloadProjects()}
          title="Your projects could not be loaded"
        />
      </Shell>
    );
  }
  if (!projects) {
    return (
      <Shell section="">
        <Loading what="Loading your projects" />
      </Shell>
    );
  }
  if (pathname === '/' || pathname === '/login') {
    if (projects.length === 0) return <Redirect to="/projects" />;
    const last = window.localStorage.getItem(LAST_PROJECT_KEY);
    const target = projects.find((project) => project.id === last) ?? projects[0];
    return <Redirect to={projectPath(target.id, 'runs')} />;
  }
  if (pathname === '/projects') {
    return (
      <Shell section="projects">
        <ProjectsPage />
      </Shell>
    );
  }
  for (const route of PROJECT_ROUTES) {
    const params = matchPath(route.pattern, pathname);
    if (!params) continue;
    const project = projects.find((candidate) => candidate.id === params.projectId);
    if (!project) {
      return (
        <Shell section="">
          <EmptyState title="Project not found">
            It does not exist, or you have no role in it. <Link to="/projects">See your projects</Link>
          </EmptyState>
        </Shell>
      );
    }
    window.localStorage.setItem(LAST_PROJECT_KEY, project.id);
    return (
      <ProjectContext.Provider value={projectContext(project)}>
        <Shell section={route.section} project={project}>
          <Suspense fallback={<Loading what="Loading the page" />}>{route.render(params)}</Suspense>
        </Shell>
      </ProjectContext.Provider>
    );
  }
  const bare = matchPath('/p/:projectId', pathname);
  if (bare) return <Redirect to={projectPath(bare.projectId, 'runs')} />;
  return (
    <Shell section="">
      <NotFound />
    </Shell>
  );
}

export function App() {
  const { user } = useSession();
  if (!user) return <LoginPage />;
  return <Routes />;
}
