import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { AccessResource } from './access';
import { type Permission, PERMISSIONS } from './permissions';

export const PERMISSION_METADATA = 'switchyard:permission';
export const PUBLIC_METADATA = 'switchyard:public';

/**
 * Where the guard finds the project a request is about:
 * - `arg`: a resolver argument holding the project id (`projectId`, or a dotted path `input.projectId`);
 * - `resource`: an argument holding the id of a resource of the access table (`RESOURCE_ACCESS`),
 *   whose project is looked up (`runId` -> the run's project);
 * - `parent`: a field of the parent object, for `@ResolveField` methods (`Project.members` -> `id`).
 */
export type ProjectLocator =
  | { readonly from: 'arg'; readonly path: string }
  | { readonly from: 'resource'; readonly resource: AccessResource; readonly path: string }
  | { readonly from: 'parent'; readonly path: string };

/** What a resolver method declares with {@link RequirePermission}. */
export interface PermissionDeclaration {
  readonly permission: Permission;
  readonly project?: ProjectLocator;
}

/**
 * The project id is the argument at `path`.
 *
 * @example @RequirePermission(Permission.AUDIT_READ, { project: projectArg('projectId') })
 */
export function projectArg(path = 'projectId'): ProjectLocator {
  return { from: 'arg', path };
}

/**
 * The argument at `path` is the id of a `resource`; the project is the one that resource belongs to.
 *
 * @example @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'id') })
 * @example @RequirePermission(Permission.RUN_START, { project: projectOf('template', 'input.templateId') })
 */
export function projectOf(resource: AccessResource, path: string): ProjectLocator {
  return { from: 'resource', resource, path };
}

/**
 * For `@ResolveField` methods: the project id is the field `path` of the parent object.
 *
 * @example @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('id') })
 */
export function projectOfParent(path = 'projectId'): ProjectLocator {
  return { from: 'parent', path };
}

/**
 * Declares what a resolver method (or HTTP handler) requires. The global `AccessGuard` denies any
 * method that declares neither this nor {@link Public}, checks the caller against the rule of
 * `permission` in the `PERMISSIONS` table and, for project permissions, finds the project with
 * `options.project`. A project permission without a locator (or another one with a locator) is a
 * programming error, thrown when the class is loaded.
 *
 * @example
 * @Mutation(() => Membership)
 * @RequirePermission(Permission.MEMBER_MANAGE, { project: projectArg('projectId') })
 * addMember(@Args('projectId', { type: () => ID }) projectId: string, ...) {}
 *
 * @example
 * @Mutation(() => Run)
 * @RequirePermission(Permission.RUN_OPERATE, { project: projectOf('run', 'id') })
 * pauseRun(@Args('id', { type: () => ID }) id: string) {}
 */
export function RequirePermission(permission: Permission, options: { project?: ProjectLocator } = {}): MethodDecorator {
  const rule = PERMISSIONS[permission];
  if (!rule) throw new Error(`RequirePermission: unknown permission ${String(permission)}`);
  if (rule.scope === 'project' && !options.project) {
    throw new Error(
      `RequirePermission(${permission}): a project permission needs { project: projectArg(...) | projectOf(...) }`,
    );
  }
  if (rule.scope !== 'project' && options.project) {
    throw new Error(`RequirePermission(${permission}): a ${rule.scope} permission takes no project locator`);
  }
  const declaration: PermissionDeclaration = { permission, project: options.project };
  return applyDecorators(SetMetadata(PERMISSION_METADATA, declaration));
}

/**
 * Declares that a resolver method (or HTTP handler) is open to anonymous callers, on purpose:
 * `login`, `/healthz`. Use sparingly; everything else declares {@link RequirePermission}.
 */
export function Public(): MethodDecorator {
  return applyDecorators(SetMetadata(PUBLIC_METADATA, true));
}
