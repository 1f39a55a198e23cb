import { ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/graphql/pagination';
import { AuditLogEntry } from '../audit-log-entry.entity';

@ObjectType()
export class AuditLogPage extends Paginated(AuditLogEntry) {}
