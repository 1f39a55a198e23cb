/** The project a page is about, the user's role in it, and what that role allows. */
import { createContext, useContext } from 'react';
import { roleAtLeast, type Project, type Role } from '../api/types';

export interface ProjectContextValue {
  project: Project;
  role: Role | null;
  /** Reads: everyone with a role. */
  canRead: boolean;
  /** Starts and steers runs, decides approvals. */
  canOperate: boolean;
  /** Designs templates and schedules. */
  canEdit: boolean;
  /** Manages members, reads the audit log. */
  isOwner: boolean;
}

export function projectContext(project: Project): ProjectContextValue {
  const role = project.myRole;
  return {
    project,
    role,
    canRead: role !== null,
    canOperate: roleAtLeast(role, 'OPERATOR'),
    canEdit: roleAtLeast(role, 'EDITOR'),
    isOwner: roleAtLeast(role, 'OWNER'),
  };
}

export const ProjectContext = createContext<ProjectContextValue | null>(null);

export function useProject(): ProjectContextValue {
  const value = useContext(ProjectContext);
  if (!value) throw new Error('useProject outside a project page');
  return value;
}

/** `/p/<id>/<rest>` */
export function projectPath(projectId: string, rest = ''): string {
  return `/p/${encodeURIComponent(projectId)}${rest ? `/${rest.replace(/^\//, '')}` : ''}`;
}
