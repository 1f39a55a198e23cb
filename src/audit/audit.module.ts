import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditTrail } from '../common/audit/audit-trail';
import { AuditLogEntry } from './audit-log-entry.entity';
import { AuditInterceptor } from './audit.interceptor';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

/** The append-only audit log, the {@link AuditTrail} of the guard, and `auditLog`/`systemAuditLog`. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntry])],
  providers: [AuditService, AuditInterceptor, AuditResolver, { provide: AuditTrail, useExisting: AuditService }],
  exports: [AuditService, AuditTrail, AuditInterceptor],
})
export class AuditModule {}
