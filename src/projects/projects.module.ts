import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { Membership } from './membership.entity';
import { Project } from './project.entity';
import { ProjectsResolver } from './projects.resolver';
import { ProjectsService } from './projects.service';

/** Projects and memberships: `projects`, `project`, `createProject`, `addMember`, `changeMember`, `removeMember`. */
@Module({
  imports: [UsersModule, TypeOrmModule.forFeature([Project, Membership])],
  providers: [ProjectsService, ProjectsResolver],
  exports: [ProjectsService],
})
export class ProjectsModule {}
