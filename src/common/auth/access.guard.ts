import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { AuditTrail } from '../audit/audit-trail';
import { ForbiddenError, NotFoundError, UnauthenticatedError } from '../errors/app-errors';
import {
  operationKey,
  requestOf,
  requestState,
  type RequestState,
  type SwitchyardRequest,
} from '../request/request-state';
import { RESOURCE_ACCESS } from './access';
import { Authenticator } from './authenticator';
import { PERMISSIONS } from './permissions';
import type { Principal } from './principal';
import { ProjectAccessService } from './project-access.service';
import {
  PERMISSION_METADATA,
  type PermissionDeclaration,
  type ProjectLocator,
  PUBLIC_METADATA,
} from './require-permission.decorator';
import { ProjectRole, roleAtLeast } from './roles';

/** Reads `a.b.c` from an object; `undefined` when any step is missing. */
export function valueAtPath(source: unknown, path: string): unknown {
  let current: unknown = source;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** An API token with the OWNER role whose creator is a global admin: a platform service's credential. */
function isAdminOwnerToken(principal: Principal): boolean {
  return principal.kind === 'apiToken' && principal.createdByAdmin === true && principal.role === ProjectRole.OWNER;
}

/**
 * The global guard: every resolver method and HTTP handler passes through it.
 *
 * 1. A method that declares neither `@RequirePermission` nor `@Public()` (or both) is refused:
 *    authorization cannot be forgotten.
 * 2. The caller is authenticated once per request (`Authorization: Bearer <jwt | sy_token>`).
 * 3. The permission's rule in `PERMISSIONS` is applied; for project permissions the project is
 *    located from the arguments, a resource id (through `RESOURCE_ACCESS`) or the parent object.
 *    No role in that project, or no such resource: NOT_FOUND (existence does not leak across
 *    projects). A role too low: FORBIDDEN.
 * 4. A refused mutation is written to the audit log.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly access: ProjectAccessService,
    private readonly auditTrail: AuditTrail,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const handler = context.getHandler();
    const isPublic = this.reflector.get<boolean | undefined>(PUBLIC_METADATA, handler) === true;
    const declaration = this.reflector.get<PermissionDeclaration | undefined>(PERMISSION_METADATA, handler);
    const req = requestOf(context);
    if (!req) throw new ForbiddenError('Unsupported transport');
    const state = requestState(req);

    let principal: Principal | null = null;
    let projectId: string | null = null;
    try {
      if (isPublic && !declaration) {
        principal = await this.principal(req, state, { lenient: true });
        return true;
      }
      if (!declaration || isPublic) {
        const where = `${context.getClass().name}.${handler.name}`;
        this.logger.error(`${where} must declare exactly one of @RequirePermission(...) or @Public(); refused`);
        throw new ForbiddenError('This operation declares no permission and is refused');
      }

      principal = await this.principal(req, state, { lenient: false });
      if (!principal) throw new UnauthenticatedError();

      const rule = PERMISSIONS[declaration.permission];
      if (rule.scope === 'signedIn') return true;
      if (rule.scope === 'admin') {
        if (principal.kind === 'user' && principal.isAdmin) return true;
        if (rule.adminTokens && isAdminOwnerToken(principal)) return true;
        throw new ForbiddenError(
          rule.adminTokens
            ? 'Requires a global admin, or an OWNER API token a global admin created'
            : 'Requires a global admin',
        );
      }

      const located = await this.locate(declaration.project!, context);
      if (!located.projectId) throw new NotFoundError(located.label, located.id);
      projectId = located.projectId;
      const key = operationKey(context);
      if (key) state.operationProjects.set(key, projectId);
      const role = await this.access.roleIn(principal, projectId, state);
      if (!role) throw new NotFoundError(located.label, located.id);
      if (!roleAtLeast(role, rule.minRole)) {
        throw new ForbiddenError(`Requires role ${rule.minRole.toUpperCase()} or higher in this project`);
      }
      return true;
    } catch (error) {
      await this.auditTrail.recordDenied(context, principal, error, projectId);
      throw error;
    }
  }

  private async principal(req: SwitchyardRequest, state: RequestState, { lenient }: { lenient: boolean }) {
    if (state.principal !== undefined) return state.principal;
    const header = req.headers['authorization'];
    const authorization = Array.isArray(header) ? header[0] : header;
    try {
      state.principal = await this.authenticator.authenticate(authorization);
    } catch (error) {
      // On a public method bad credentials are ignored: the caller is simply anonymous.
      if (lenient && error instanceof UnauthenticatedError) return null;
      throw error;
    }
    return state.principal;
  }

  private async locate(
    locator: ProjectLocator,
    context: ExecutionContext,
  ): Promise<{ projectId: string | null; label: string; id: string | undefined }> {
    const gql = context.getType<string>() === 'graphql' ? GqlExecutionContext.create(context) : undefined;
    const args: unknown = gql
      ? gql.getArgs<unknown>()
      : context.switchToHttp().getRequest<{ params?: unknown }>().params;
    switch (locator.from) {
      case 'arg':
      case 'parent': {
        const source = locator.from === 'arg' ? args : gql?.getRoot<unknown>();
        const value = valueAtPath(source, locator.path);
        const id = typeof value === 'string' ? value : undefined;
        return { projectId: id ?? null, label: 'Project', id };
      }
      case 'resource': {
        const value = valueAtPath(args, locator.path);
        const id = typeof value === 'string' ? value : undefined;
        const projectId = id === undefined ? null : await this.access.projectOf(locator.resource, id);
        return { projectId, label: RESOURCE_ACCESS[locator.resource].label, id };
      }
    }
  }
}
