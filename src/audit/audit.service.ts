import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { InjectRepository } from '@nestjs/typeorm';
import type { GraphQLResolveInfo } from 'graphql';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { type FindOptionsWhere, IsNull, LessThan, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AuditTrail } from '../common/audit/audit-trail';
import { valueAtPath } from '../common/auth/access.guard';
import { isUuid } from '../common/auth/access';
import { type Principal, principalLabel } from '../common/auth/principal';
import { PERMISSION_METADATA, type PermissionDeclaration } from '../common/auth/require-permission.decorator';
import { BadUserInputError, ErrorCode } from '../common/errors/app-errors';
import { mapError } from '../common/errors/error-mapping';
import { decodeCursor, encodeCursor, type Page, pageSize } from '../common/graphql/pagination';
import { redactSecrets } from '../common/logging/redact';
import { operationKey, requestIdOf, requestOf, requestState } from '../common/request/request-state';
import { AuditLogEntry, AuditOutcome } from './audit-log-entry.entity';
import { AUDIT_METADATA, type AuditOptions } from './audit.decorator';

/** A mutation being audited: what the guard and the interceptor know about it. */
export interface AuditedOperation {
  action: string;
  args: Record<string, unknown>;
  declaration?: PermissionDeclaration;
  options?: AuditOptions;
  key?: object;
  requestId?: string;
}

/** An entry to append; everything but `action` and `outcome` is optional. */
export type NewAuditEntry = Pick<AuditLogEntry, 'action' | 'outcome'> &
  Partial<Omit<AuditLogEntry, 'id' | 'at' | 'action' | 'outcome'>>;

const DENIAL_CODES: ReadonlySet<string> = new Set([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN]);

/**
 * The append-only audit log. Every GraphQL mutation is recorded with its outcome: by the audit
 * interceptor when it ran, by the guard (through {@link AuditTrail}) when it was refused. Other
 * code may append entries of its own with {@link AuditService.record} (a schedule firing, a worker).
 */
@Injectable()
export class AuditService extends AuditTrail {
  constructor(
    @InjectRepository(AuditLogEntry) private readonly entries: Repository<AuditLogEntry>,
    private readonly reflector: Reflector,
    @InjectPinoLogger(AuditService.name) private readonly logger: PinoLogger,
  ) {
    super();
  }

  /** Appends one entry. Never throws: a failure to audit is logged as an error. */
  async record(entry: NewAuditEntry): Promise<void> {
    try {
      await this.entries.insert({ detail: {}, actor: 'anonymous', ...entry } as QueryDeepPartialEntity<AuditLogEntry>);
    } catch (error) {
      this.logger.error({ err: error, action: entry.action }, 'Could not write the audit log');
    }
  }

  /** The mutation behind `context`, or undefined for queries, field resolvers and HTTP handlers. */
  describe(context: ExecutionContext): AuditedOperation | undefined {
    if (context.getType<string>() !== 'graphql') return undefined;
    const gql = GqlExecutionContext.create(context);
    const info = gql.getInfo<GraphQLResolveInfo>();
    const mutationType = info.schema.getMutationType();
    if (!mutationType || info.parentType !== mutationType) return undefined;
    const handler = context.getHandler();
    return {
      action: info.fieldName,
      args: gql.getArgs<Record<string, unknown>>(),
      declaration: this.reflector.get<PermissionDeclaration | undefined>(PERMISSION_METADATA, handler),
      options: this.reflector.get<AuditOptions | undefined>(AUDIT_METADATA, handler),
      key: operationKey(context),
      requestId: requestIdOf(requestOf(context)),
    };
  }

  override async recordDenied(
    context: ExecutionContext,
    principal: Principal | null,
    error: unknown,
    projectId: string | null,
  ): Promise<void> {
    const operation = this.describe(context);
    if (!operation) return;
    await this.recordOperation(operation, principal, { error, projectId, denied: true });
  }

  /** Records a mutation that ran: its result, or the error it threw. */
  async recordOutcome(context: ExecutionContext, outcome: { result: unknown } | { error: unknown }): Promise<void> {
    const operation = this.describe(context);
    if (!operation) return;
    const req = requestOf(context);
    const principal = req ? (requestState(req).principal ?? null) : null;
    const projectId = operation.key && req ? (requestState(req).operationProjects.get(operation.key) ?? null) : null;
    await this.recordOperation(operation, principal, { ...outcome, projectId });
  }

  private async recordOperation(
    operation: AuditedOperation,
    principal: Principal | null,
    outcome: { result?: unknown; error?: unknown; projectId: string | null; denied?: boolean },
  ): Promise<void> {
    const { args, declaration, options } = operation;
    const hook = { args, result: outcome.result };
    const locator = declaration?.project;
    const failed = 'error' in outcome;

    let resourceType: string | null = null;
    let resourceId: unknown = null;
    if (locator?.from === 'resource') {
      resourceType = locator.resource;
      resourceId = valueAtPath(args, locator.path);
    } else if (locator?.from === 'arg') {
      resourceType = 'project';
      resourceId = valueAtPath(args, locator.path);
    }
    if (options) {
      resourceType = options.resourceType;
      resourceId = options.resourceId ? safely(() => options.resourceId!(hook)) : null;
    }

    let projectId = outcome.projectId ?? (options?.projectId ? safely(() => options.projectId!(hook)) : null);
    if (!projectId && locator?.from === 'arg' && !outcome.denied) projectId = toUuid(valueAtPath(args, locator.path));

    const actor = !principal && options?.actor ? safely(() => options.actor!(hook)) : null;
    const mapped = failed ? mapError(outcome.error) : undefined;
    const kept = options?.omitArgs ? omitKeys(args, options.omitArgs) : args;
    const detail: Record<string, unknown> = { args: redactSecrets(kept) };
    if (mapped) detail.error = mapped.message;

    await this.record({
      action: operation.action,
      outcome: !mapped
        ? AuditOutcome.SUCCESS
        : outcome.denied || DENIAL_CODES.has(mapped.code)
          ? AuditOutcome.DENIED
          : AuditOutcome.FAILED,
      errorCode: mapped?.code ?? null,
      actor: actor?.label ?? principalLabel(principal),
      actorUserId: principal?.kind === 'user' ? principal.userId : (actor?.userId ?? null),
      actorTokenId: principal?.kind === 'apiToken' ? principal.tokenId : null,
      resourceType,
      resourceId:
        typeof resourceId === 'string' || typeof resourceId === 'number' ? String(resourceId).slice(0, 255) : null,
      projectId: toUuid(projectId),
      detail,
      requestId: operation.requestId ?? null,
    });
  }

  /**
   * A page of the log, newest first: one project's entries, or (`projectId` null) the entries
   * that belong to no project (logins, user and project administration).
   */
  async list(projectId: string | null, first?: number | null, after?: string | null): Promise<Page<AuditLogEntry>> {
    const size = pageSize(first);
    const where: FindOptionsWhere<AuditLogEntry> = { projectId: projectId ?? IsNull() };
    if (after) {
      const id = decodeCursor('audit', after);
      if (!/^\d{1,19}$/.test(id))
        throw new BadUserInputError([{ path: 'after', message: 'is not a cursor of this list' }]);
      where.id = LessThan(id);
    }
    const rows = await this.entries.find({ where, order: { id: 'DESC' }, take: size + 1 });
    const nodes = rows.slice(0, size);
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > size,
        endCursor: nodes.length ? encodeCursor('audit', nodes[nodes.length - 1].id) : null,
      },
    };
  }
}

function omitKeys(args: Record<string, unknown>, omitted: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([key]) => !omitted.includes(key)));
}

function safely<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch {
    return null;
  }
}

function toUuid(value: unknown): string | null {
  return isUuid(value) ? value : null;
}
