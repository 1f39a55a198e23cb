import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminBootstrapService } from './admin-bootstrap.service';
import { User } from './user.entity';
import { UsersResolver } from './users.resolver';
import { UsersService } from './users.service';

/** Users, their passwords, the first-start admin, and the `me`/`users`/`createUser` API. */
@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService, UsersResolver, AdminBootstrapService],
  exports: [UsersService],
})
export class UsersModule {}
