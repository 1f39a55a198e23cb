import { SetMetadata } from '@nestjs/common';

export const AUDIT_METADATA = 'switchyard:audit';

/** What an audit hook sees: the mutation's arguments, and its result when it succeeded. */
export interface AuditHookInput<TArgs = Record<string, unknown>, TResult = unknown> {
  args: TArgs;
  result?: TResult;
}

/**
 * Refines how a mutation is written to the audit log. Every mutation is audited without it:
 * action = the mutation name, resource and project = those of its `@RequirePermission` locator,
 * detail = its arguments with secrets redacted. Use it when the resource is created by the
 * mutation (its id is in the result) or is not what the locator points at.
 */
export interface AuditOptions<TArgs = Record<string, unknown>, TResult = unknown> {
  /** `project`, `membership`, `apiToken`, `run`... */
  resourceType: string;
  /** The resource id, from the arguments or (on success) the result. */
  resourceId?: (input: AuditHookInput<TArgs, TResult>) => string | null | undefined;
  /** The project, when the permission locator does not give it (e.g. `createProject`). */
  projectId?: (input: AuditHookInput<TArgs, TResult>) => string | null | undefined;
  /**
   * Arguments left out of the entry altogether (`['value']` for a secret's value), on top of the
   * redaction of secret-looking keys every entry gets.
   */
  omitArgs?: readonly string[];
  /** The actor, when the caller is anonymous but the result tells who it was (`login`). */
  actor?: (input: AuditHookInput<TArgs, TResult>) => { label: string; userId?: string } | null | undefined;
}

/**
 * Refines the audit entry of a mutation (see {@link AuditOptions}).
 *
 * @example
 * @Mutation(() => Run)
 * @RequirePermission(Permission.RUN_START, { project: projectOf('template', 'templateId') })
 * @Audit<StartRunArgs, Run>({ resourceType: 'run', resourceId: ({ result }) => result?.id })
 * startRun(...) {}
 */
export function Audit<TArgs = Record<string, unknown>, TResult = unknown>(
  options: AuditOptions<TArgs, TResult>,
): MethodDecorator {
  return SetMetadata(AUDIT_METADATA, options);
}
