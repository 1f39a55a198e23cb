import { AuditLogEntry } from '../audit/audit-log-entry.entity';
import { ApiToken } from '../auth/api-token.entity';
import { CallbackUse } from '../callbacks/callback-use.entity';
import { RegisteredPlugin } from '../plugins-catalog/registered-plugin.entity';
import { Membership } from '../projects/membership.entity';
import { Project } from '../projects/project.entity';
import { NodeOutput } from '../runs/node-output.entity';
import { NodeRun } from '../runs/node-run.entity';
import { Run } from '../runs/run.entity';
import { Schedule } from '../schedules/schedule.entity';
import { Secret } from '../secrets/secret.entity';
import { TemplateVersion } from '../templates/template-version.entity';
import { Template } from '../templates/template.entity';
import { User } from '../users/user.entity';

/** Every entity of the platform database. Add new ones here (and generate a migration). */
export const ENTITIES = [
  User,
  ApiToken,
  Project,
  Membership,
  Template,
  TemplateVersion,
  Run,
  NodeRun,
  NodeOutput,
  Schedule,
  AuditLogEntry,
  Secret,
  CallbackUse,
  RegisteredPlugin,
];
