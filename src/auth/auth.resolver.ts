import { Args, Mutation, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/require-permission.decorator';
import { Audit } from '../audit/audit.decorator';
import { AuthService } from './auth.service';
import { LoginResult } from './dto/login-result.model';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Mutation(() => LoginResult, { description: 'Signs in with a password; returns a login token (JWT).' })
  @Public()
  @Audit<{ username: string }, LoginResult>({
    resourceType: 'user',
    resourceId: ({ result }) => result?.user.id,
    actor: ({ result }) => result && { label: result.user.username, userId: result.user.id },
  })
  login(@Args('username') username: string, @Args('password') password: string): Promise<LoginResult> {
    return this.auth.login(username, password);
  }
}
