import { registerEnumType } from '@nestjs/graphql';

/**
 * A user's (or an API token's) role in one project. Each role includes the ones before it:
 * `viewer` reads; `operator` also starts and steers runs and decides approvals; `editor` also
 * designs templates and schedules; `owner` also manages members. Stored lowercase; GraphQL
 * shows the enum keys (`VIEWER`, ...).
 */
export enum ProjectRole {
  VIEWER = 'viewer',
  OPERATOR = 'operator',
  EDITOR = 'editor',
  OWNER = 'owner',
}

registerEnumType(ProjectRole, {
  name: 'ProjectRole',
  description: 'Role in a project; each includes the ones before it: VIEWER < OPERATOR < EDITOR < OWNER.',
});

/** Roles from least to most powerful. */
export const PROJECT_ROLES: readonly ProjectRole[] = [
  ProjectRole.VIEWER,
  ProjectRole.OPERATOR,
  ProjectRole.EDITOR,
  ProjectRole.OWNER,
];

/** Position of a role in {@link PROJECT_ROLES}: higher is more powerful. */
export function roleRank(role: ProjectRole): number {
  return PROJECT_ROLES.indexOf(role);
}

/** True when `role` is `minimum` or a more powerful role. A missing role satisfies nothing. */
export function roleAtLeast(role: ProjectRole | null | undefined, minimum: ProjectRole): boolean {
  return role != null && roleRank(role) >= roleRank(minimum);
}

/** The less powerful of two roles (an API token never exceeds its creator). */
export function weakerRole(a: ProjectRole, b: ProjectRole): ProjectRole {
  return roleRank(a) <= roleRank(b) ? a : b;
}

export function isProjectRole(value: unknown): value is ProjectRole {
  return typeof value === 'string' && (PROJECT_ROLES as readonly string[]).includes(value);
}
