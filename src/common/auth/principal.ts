import type { ProjectRole } from './roles';

/** A user signed in with a login token (JWT). */
export interface UserPrincipal {
  readonly kind: 'user';
  readonly userId: string;
  readonly username: string;
  readonly isAdmin: boolean;
}

/**
 * A system calling with an API token (`Authorization: Bearer sy_...`). A token belongs to one
 * project; `role` is the token's role capped by its creator's current role in that project.
 */
export interface ApiTokenPrincipal {
  readonly kind: 'apiToken';
  readonly tokenId: string;
  readonly tokenName: string;
  readonly projectId: string;
  readonly role: ProjectRole;
  readonly createdByUserId: string;
  /** Its creator is a global admin now (what `adminTokens` permissions ask for). */
  readonly createdByAdmin?: boolean;
}

/** Whoever is calling: a user or an API token. */
export type Principal = UserPrincipal | ApiTokenPrincipal;

/**
 * How a principal is written in audit entries, `runs.started_by` and template authors:
 * the username for users, `token:<name>` for API tokens (usernames cannot contain `:`).
 */
export function principalLabel(principal: Principal | null | undefined): string {
  if (!principal) return 'anonymous';
  return principal.kind === 'user' ? principal.username : `token:${principal.tokenName}`;
}
