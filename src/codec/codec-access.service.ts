import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Authenticator } from '../common/auth/authenticator';
import type { Principal } from '../common/auth/principal';
import { ProjectAccessService } from '../common/auth/project-access.service';
import { roleAtLeast, ProjectRole } from '../common/auth/roles';
import { UnauthenticatedError } from '../common/errors/app-errors';
import { CODEC_SESSION_COOKIE, readCookie } from './codec-session';

/** What a codec request carries to say who is calling. */
export interface CodecCredentials {
  authorization?: string | string[];
  cookie?: string | string[];
}

/**
 * The project that owns a workflow id: a run's workflow, or a schedule's (the payloads of a
 * Temporal Schedule's action are encoded for the schedule's workflow id).
 */
const WORKFLOW_PROJECT_SQL = `
  SELECT project_id FROM runs WHERE workflow_id = $1
  UNION ALL
  SELECT project_id FROM schedules WHERE temporal_schedule_id = $1
  LIMIT 1`;

/**
 * Who may read which payloads through the codec endpoint: a caller sees the payloads of a
 * workflow when it may read the run's project (VIEWER or higher, global admins everywhere).
 * Payloads that name no workflow, or a workflow the platform does not know (a CLI run, an
 * unrecorded run), are for global admins only.
 */
@Injectable()
export class CodecAccessService {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly access: ProjectAccessService,
    private readonly dataSource: DataSource,
  ) {}

  /**
   * The caller: `Authorization: Bearer <login token | API token>`, else the codec session cookie.
   *
   * @throws {UnauthenticatedError} no credentials, or invalid / expired ones.
   */
  async principal(credentials: CodecCredentials): Promise<Principal> {
    const header = Array.isArray(credentials.authorization) ? credentials.authorization[0] : credentials.authorization;
    if (header?.trim()) {
      const principal = await this.authenticator.authenticate(header);
      if (principal) return principal;
    }
    const cookie = readCookie(credentials.cookie, CODEC_SESSION_COOKIE);
    if (cookie) {
      const principal = await this.authenticator.authenticate(`Bearer ${cookie}`);
      if (principal) return principal;
    }
    throw new UnauthenticatedError(
      'The codec endpoint needs a login: a Bearer token, or the session cookie of the admin frontend ' +
        '(sign in there, then enable "include cross-origin credentials" in the Temporal UI codec settings)',
    );
  }

  /** The subset of `workflowIds` whose payloads `principal` may read (`undefined`: no workflow named). */
  async readable(principal: Principal, workflowIds: ReadonlySet<string | undefined>): Promise<Set<string | undefined>> {
    if (principal.kind === 'user' && principal.isAdmin) return new Set(workflowIds);
    const allowed = new Set<string | undefined>();
    for (const workflowId of workflowIds) {
      if (workflowId === undefined) continue;
      const rows: Array<{ project_id: string }> = await this.dataSource.query(WORKFLOW_PROJECT_SQL, [workflowId]);
      const projectId = rows[0]?.project_id;
      if (!projectId) continue;
      if (roleAtLeast(await this.access.roleIn(principal, projectId), ProjectRole.VIEWER)) allowed.add(workflowId);
    }
    return allowed;
  }
}
