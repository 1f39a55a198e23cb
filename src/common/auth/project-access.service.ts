import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type RequestState } from '../request/request-state';
import { type AccessResource, isUuid, RESOURCE_ACCESS } from './access';
import { AccessCache } from './access-cache';
import type { Principal } from './principal';
import { ProjectRole } from './roles';

/**
 * Answers the two questions of access control with the database: which project does this resource
 * belong to ({@link RESOURCE_ACCESS}), and what is the caller's role there.
 */
@Injectable()
export class ProjectAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: AccessCache,
  ) {}

  /** The project of a resource, or `null` when no such resource exists (or the id is no UUID). */
  async projectOf(resource: AccessResource, id: unknown): Promise<string | null> {
    if (!isUuid(id)) return null;
    const rows: Array<{ project_id: string }> = await this.dataSource.query(RESOURCE_ACCESS[resource].sql, [id]);
    return rows[0]?.project_id ?? null;
  }

  /**
   * The caller's effective role in a project: its membership role for users, `OWNER` for global
   * admins, the (creator-capped) token role for an API token of that project; `null` when the
   * caller has no role there or the project does not exist. Memoized per request when `state` is
   * given, and for a few seconds in {@link AccessCache} (which membership changes invalidate).
   */
  async roleIn(principal: Principal, projectId: string, state?: RequestState): Promise<ProjectRole | null> {
    if (!isUuid(projectId)) return null;
    const cached = state?.roles.get(projectId);
    if (cached !== undefined) return cached;
    const role =
      principal.kind === 'user'
        ? await this.cache.get(`role:${principal.userId}:${principal.isAdmin}:${projectId}`, () =>
            this.lookupRole(principal, projectId),
          )
        : await this.lookupRole(principal, projectId);
    state?.roles.set(projectId, role);
    return role;
  }

  private async lookupRole(principal: Principal, projectId: string): Promise<ProjectRole | null> {
    if (principal.kind === 'apiToken') {
      // The token's project cannot disappear under it: api_tokens cascade with their project.
      return principal.projectId === projectId ? principal.role : null;
    }
    const rows: Array<{ role: ProjectRole | null }> = await this.dataSource.query(
      'SELECT m.role FROM projects p LEFT JOIN memberships m ON m.project_id = p.id AND m.user_id = $2 WHERE p.id = $1',
      [projectId, principal.userId],
    );
    if (rows.length === 0) return null;
    if (principal.isAdmin) return ProjectRole.OWNER;
    return rows[0].role ?? null;
  }
}
