import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { projectArg, projectOf, RequirePermission } from '../common/auth/require-permission.decorator';
import { ApiToken } from './api-token.entity';
import { ApiTokensService } from './api-tokens.service';
import { CreateApiTokenArgs } from './dto/create-api-token.args';
import { CreatedApiToken } from './dto/created-api-token.model';

@Resolver(() => ApiToken)
export class ApiTokensResolver {
  constructor(private readonly tokens: ApiTokensService) {}

  @Query(() => [ApiToken], { description: "A project's API tokens: all for owners, else your own." })
  @RequirePermission(Permission.PROJECT_READ, { project: projectArg('projectId') })
  apiTokens(
    @CurrentPrincipal() principal: Principal,
    @Args('projectId', { type: () => ID }) projectId: string,
  ): Promise<ApiToken[]> {
    return this.tokens.list(principal, projectId);
  }

  @Mutation(() => CreatedApiToken, {
    description: 'Creates an API token for a project, with a role no higher than yours. The token is shown once.',
  })
  @RequirePermission(Permission.API_TOKEN_CREATE, { project: projectArg('projectId') })
  @Audit<CreateApiTokenArgs, CreatedApiToken>({
    resourceType: 'apiToken',
    resourceId: ({ result }) => result?.apiToken.id,
  })
  createApiToken(@CurrentPrincipal() principal: Principal, @Args() args: CreateApiTokenArgs): Promise<CreatedApiToken> {
    return this.tokens.create(principal, args);
  }

  @Mutation(() => ApiToken, { description: 'Revokes an API token: your own, or any of your project as an owner.' })
  @RequirePermission(Permission.API_TOKEN_REVOKE, { project: projectOf('apiToken', 'id') })
  revokeApiToken(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApiToken> {
    return this.tokens.revoke(principal, id);
  }
}
