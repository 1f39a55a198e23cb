import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { Permission } from '../common/auth/permissions';
import { projectArg, RequirePermission } from '../common/auth/require-permission.decorator';
import { type Page } from '../common/graphql/pagination';
import { AuditLogEntry } from './audit-log-entry.entity';
import { AuditService } from './audit.service';
import { AuditLogPage } from './dto/audit-log-page.model';

@Resolver(() => AuditLogEntry)
export class AuditResolver {
  constructor(private readonly audit: AuditService) {}

  @Query(() => AuditLogPage, { description: "A project's audit log, newest first." })
  @RequirePermission(Permission.AUDIT_READ, { project: projectArg('projectId') })
  auditLog(
    @Args('projectId', { type: () => ID }) projectId: string,
    @Args('first', { type: () => Int, nullable: true, description: '1 to 200, default 50' }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Page<AuditLogEntry>> {
    return this.audit.list(projectId, first, after);
  }

  @Query(() => AuditLogPage, {
    description: 'Audit entries of no project (logins, users, project creation), newest first (global admins).',
  })
  @RequirePermission(Permission.SYSTEM_AUDIT_READ)
  systemAuditLog(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Page<AuditLogEntry>> {
    return this.audit.list(null, first, after);
  }
}
