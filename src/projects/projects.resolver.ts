import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { ProjectAccessService } from '../common/auth/project-access.service';
import { projectArg, projectOfParent, RequirePermission } from '../common/auth/require-permission.decorator';
import { ProjectRole } from '../common/auth/roles';
import { CreateProjectInput } from './dto/create-project.input';
import { MemberArgs, MemberRoleArgs } from './dto/member.args';
import { Membership } from './membership.entity';
import { Project } from './project.entity';
import { ProjectsService } from './projects.service';

const memberAudit = { resourceType: 'membership', resourceId: ({ args }: { args: MemberArgs }) => args.username };

@Resolver(() => Project)
export class ProjectsResolver {
  constructor(
    private readonly projectsService: ProjectsService,
    private readonly access: ProjectAccessService,
  ) {}

  @Query(() => [Project], { description: 'The projects you have a role in (all of them for admins).' })
  @RequirePermission(Permission.SIGNED_IN)
  projects(@CurrentPrincipal() principal: Principal): Promise<Project[]> {
    return this.projectsService.listVisible(principal);
  }

  @Query(() => Project)
  @RequirePermission(Permission.PROJECT_READ, { project: projectArg('id') })
  project(@Args('id', { type: () => ID }) id: string): Promise<Project> {
    return this.projectsService.findById(id);
  }

  @Mutation(() => Project, { description: 'Creates a project (global admins only); then add its members.' })
  @RequirePermission(Permission.PROJECT_CREATE)
  @Audit<{ input: CreateProjectInput }, Project>({
    resourceType: 'project',
    resourceId: ({ result }) => result?.id,
    projectId: ({ result }) => result?.id,
  })
  createProject(@Args('input') input: CreateProjectInput): Promise<Project> {
    return this.projectsService.create(input);
  }

  @Mutation(() => Membership, { description: 'Gives a user a role in the project (owners).' })
  @RequirePermission(Permission.MEMBER_MANAGE, { project: projectArg('projectId') })
  @Audit(memberAudit)
  addMember(@Args() args: MemberRoleArgs): Promise<Membership> {
    return this.projectsService.addMember(args.projectId, args.username, args.role);
  }

  @Mutation(() => Membership, { description: "Changes a member's role (owners). A project keeps one owner." })
  @RequirePermission(Permission.MEMBER_MANAGE, { project: projectArg('projectId') })
  @Audit(memberAudit)
  changeMember(@Args() args: MemberRoleArgs): Promise<Membership> {
    return this.projectsService.changeMember(args.projectId, args.username, args.role);
  }

  @Mutation(() => Membership, { description: 'Removes a member (owners); returns the removed membership.' })
  @RequirePermission(Permission.MEMBER_MANAGE, { project: projectArg('projectId') })
  @Audit(memberAudit)
  removeMember(@Args() args: MemberArgs): Promise<Membership> {
    return this.projectsService.removeMember(args.projectId, args.username);
  }

  @ResolveField(() => [Membership])
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('id') })
  members(@Parent() project: Project): Promise<Membership[]> {
    return this.projectsService.members(project.id);
  }

  @ResolveField(() => ProjectRole, { nullable: true, description: 'Your role here (OWNER for global admins).' })
  @RequirePermission(Permission.SIGNED_IN)
  myRole(@Parent() project: Project, @CurrentPrincipal() principal: Principal): Promise<ProjectRole | null> {
    return this.access.roleIn(principal, project.id);
  }
}
