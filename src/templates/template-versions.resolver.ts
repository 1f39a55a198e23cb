import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Permission } from '../common/auth/permissions';
import { projectOf, RequirePermission } from '../common/auth/require-permission.decorator';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { TemplatesService } from './templates.service';

@Resolver(() => TemplateVersion)
export class TemplateVersionsResolver {
  constructor(private readonly templatesService: TemplatesService) {}

  @Query(() => TemplateVersion, { description: 'One template version by id (also of an archived template).' })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOf('templateVersion', 'id') })
  templateVersion(@Args('id', { type: () => ID }) id: string): Promise<TemplateVersion> {
    return this.templatesService.findVersion(id);
  }

  /**
   * The template a version belongs to. SIGNED_IN suffices: a version and its template are in the
   * same project, and the version itself was only reachable through a PROJECT_READ check (a
   * version row carries no project id for `projectOfParent`).
   */
  @ResolveField(() => Template)
  @RequirePermission(Permission.SIGNED_IN)
  template(@Parent() version: TemplateVersion): Promise<Template> {
    return version.template ? Promise.resolve(version.template) : this.templatesService.findById(version.templateId);
  }
}
