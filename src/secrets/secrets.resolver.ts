import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { projectArg, RequirePermission } from '../common/auth/require-permission.decorator';
import { SecretInfo } from './dto/secret-info.model';
import { SecretRefArgs, SecretValueArgs } from './dto/secret-value.args';
import { SecretsService } from './secrets.service';

/** The audit entry names the secret; its value is never recorded. */
const AUDITED = {
  resourceType: 'secret',
  resourceId: ({ args }: { args: SecretRefArgs }) => args.name,
  omitArgs: ['value'],
} as const;

/** Project secrets over GraphQL: names and metadata out, values in only. */
@Resolver(() => SecretInfo)
export class SecretsResolver {
  constructor(private readonly service: SecretsService) {}

  @Query(() => [SecretInfo], { description: "A project's secrets, by name: metadata only, never values." })
  @RequirePermission(Permission.PROJECT_READ, { project: projectArg('projectId') })
  secrets(@Args('projectId', { type: () => ID }) projectId: string): Promise<SecretInfo[]> {
    return this.service.list(projectId);
  }

  @Mutation(() => SecretInfo, { description: 'Creates a project secret, encrypted at rest. Editors and up.' })
  @RequirePermission(Permission.SECRET_WRITE, { project: projectArg('projectId') })
  @Audit<SecretValueArgs>(AUDITED)
  createSecret(@CurrentPrincipal() principal: Principal, @Args() args: SecretValueArgs): Promise<SecretInfo> {
    return this.service.create(principal, args);
  }

  @Mutation(() => SecretInfo, { description: 'Gives a secret a new value; runs read it from their next node on.' })
  @RequirePermission(Permission.SECRET_WRITE, { project: projectArg('projectId') })
  @Audit<SecretValueArgs>(AUDITED)
  rotateSecret(@CurrentPrincipal() principal: Principal, @Args() args: SecretValueArgs): Promise<SecretInfo> {
    return this.service.rotate(principal, args);
  }

  @Mutation(() => SecretInfo, { description: 'Deletes a secret; nodes that reference it fail from then on.' })
  @RequirePermission(Permission.SECRET_WRITE, { project: projectArg('projectId') })
  @Audit<SecretRefArgs>(AUDITED)
  deleteSecret(@Args() args: SecretRefArgs): Promise<SecretInfo> {
    return this.service.delete(args);
  }
}
