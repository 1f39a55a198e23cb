import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { RequirePermission } from '../common/auth/require-permission.decorator';
import { ForbiddenError, UnauthenticatedError } from '../common/errors/app-errors';
import { CreateUserInput } from './dto/create-user.input';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Resolver(() => User)
export class UsersResolver {
  constructor(private readonly usersService: UsersService) {}

  @Query(() => User, { description: 'The signed-in user. API tokens have no user: use the project they belong to.' })
  @RequirePermission(Permission.SIGNED_IN)
  async me(@CurrentPrincipal() principal: Principal): Promise<User> {
    if (principal.kind !== 'user') throw new ForbiddenError('API tokens have no user; `me` needs a login token');
    const user = await this.usersService.findById(principal.userId);
    if (!user) throw new UnauthenticatedError('The signed-in user no longer exists');
    return user;
  }

  @Query(() => [User], { description: 'All users (global admins only).' })
  @RequirePermission(Permission.USER_ADMIN)
  users(): Promise<User[]> {
    return this.usersService.list();
  }

  @Mutation(() => User, { description: 'Creates a user (global admins only).' })
  @RequirePermission(Permission.USER_ADMIN)
  createUser(@Args('input') input: CreateUserInput): Promise<User> {
    return this.usersService.create(input);
  }
}
