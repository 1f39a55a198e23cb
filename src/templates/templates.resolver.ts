import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { projectArg, projectOf, projectOfParent, RequirePermission } from '../common/auth/require-permission.decorator';
import { NotFoundError } from '../common/errors/app-errors';
import { GraphQLJSON } from '../common/graphql/json.scalar';
import { CreateTemplateInput } from './dto/create-template.input';
import { DefinitionValidation } from './dto/definition-validation.model';
import { TemplatesArgs } from './dto/templates.args';
import { UpdateTemplateInput } from './dto/update-template.input';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { TemplatesService } from './templates.service';

@Resolver(() => Template)
export class TemplatesResolver {
  constructor(private readonly templatesService: TemplatesService) {}

  @Query(() => [Template], { description: "A project's templates by name (active ones unless includeArchived)." })
  @RequirePermission(Permission.PROJECT_READ, { project: projectArg('projectId') })
  templates(@Args() args: TemplatesArgs): Promise<Template[]> {
    return this.templatesService.list(args.projectId, { search: args.search, includeArchived: args.includeArchived });
  }

  @Query(() => Template)
  @RequirePermission(Permission.PROJECT_READ, { project: projectOf('template', 'id') })
  template(@Args('id', { type: () => ID }) id: string): Promise<Template> {
    return this.templatesService.findById(id);
  }

  @Query(() => DefinitionValidation, {
    description:
      'Validates a definition without storing it: exactly one of `definition` (a JSON object) or `source` ' +
      '(YAML or JSON text). Every problem comes back with its path.',
  })
  @RequirePermission(Permission.SIGNED_IN)
  validateDefinition(
    @Args('definition', { type: () => GraphQLJSON, nullable: true }) definition?: unknown,
    @Args('source', { type: () => String, nullable: true }) source?: string | null,
  ): DefinitionValidation {
    const checked = this.templatesService.check({ definition, source });
    return {
      valid: checked.problems.length === 0,
      problems: checked.problems,
      warnings: checked.warnings,
      definition: checked.definition ?? null,
      contentHash: checked.contentHash ?? null,
    };
  }

  @Mutation(() => Template, { description: 'Creates a template and publishes its version 1.' })
  @RequirePermission(Permission.TEMPLATE_WRITE, { project: projectArg('input.projectId') })
  @Audit<{ input: CreateTemplateInput }, Template>({ resourceType: 'template', resourceId: ({ result }) => result?.id })
  createTemplate(
    @Args('input') input: CreateTemplateInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Template> {
    return this.templatesService.create(input, principal);
  }

  @Mutation(() => Template, {
    description:
      'Publishes a new immutable version (older ones stay) and/or changes the description. ' +
      "A definition equal to the latest version's publishes nothing.",
  })
  @RequirePermission(Permission.TEMPLATE_WRITE, { project: projectOf('template', 'input.id') })
  updateTemplate(
    @Args('input') input: UpdateTemplateInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Template> {
    return this.templatesService.update(input, principal);
  }

  @Mutation(() => Template, {
    description: 'Archives a template: hidden from `templates`, starts no new runs, frees its name; versions stay.',
  })
  @RequirePermission(Permission.TEMPLATE_WRITE, { project: projectOf('template', 'id') })
  archiveTemplate(@Args('id', { type: () => ID }) id: string): Promise<Template> {
    return this.templatesService.archive(id);
  }

  @Mutation(() => Template, { description: 'Makes an archived template active again (if its name is free).' })
  @RequirePermission(Permission.TEMPLATE_WRITE, { project: projectOf('template', 'id') })
  unarchiveTemplate(@Args('id', { type: () => ID }) id: string): Promise<Template> {
    return this.templatesService.unarchive(id);
  }

  @ResolveField(() => Boolean)
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  archived(@Parent() template: Template): boolean {
    return template.archivedAt !== null;
  }

  @ResolveField(() => [TemplateVersion], { description: 'Every version, newest first.' })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  versions(@Parent() template: Template): Promise<TemplateVersion[]> {
    return this.templatesService.versionsOf(template.id);
  }

  @ResolveField(() => TemplateVersion, { description: 'The newest version (what a run starts without `version`).' })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  async latestVersion(@Parent() template: Template): Promise<TemplateVersion> {
    const latest = await this.templatesService.latestVersionOf(template);
    if (!latest) throw new NotFoundError('Template version', `${template.name} v${template.latestVersionNumber}`);
    return latest;
  }

  @ResolveField(() => TemplateVersion, { nullable: true, description: 'Version `number`, or null when none.' })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  version(
    @Parent() template: Template,
    @Args('number', { type: () => Int }) number: number,
  ): Promise<TemplateVersion | null> {
    return this.templatesService.versionOf(template.id, number);
  }
}
