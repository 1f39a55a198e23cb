import { Args, Query, Resolver } from '@nestjs/graphql';
import { Permission } from '../common/auth/permissions';
import { RequirePermission } from '../common/auth/require-permission.decorator';
import { NotFoundError } from '../common/errors/app-errors';
import { PluginModel } from './dto/plugin.model';
import { PluginCatalogService } from './plugin-catalog.service';

@Resolver(() => PluginModel)
export class PluginsCatalogResolver {
  constructor(private readonly catalog: PluginCatalogService) {}

  @Query(() => [PluginModel], {
    description: 'The plugin catalog: every plugin type and version, by type, newest version first.',
  })
  @RequirePermission(Permission.SIGNED_IN)
  plugins(
    @Args('type', { type: () => String, nullable: true, description: 'Only this plugin type.' }) type?: string | null,
  ): PluginModel[] {
    const descriptors = this.catalog.list().filter((descriptor) => type == null || descriptor.type === type);
    return descriptors.map((descriptor) => PluginModel.from(descriptor));
  }

  @Query(() => PluginModel, {
    description: 'One plugin: the newest release of `type`, or the version `version` selects (`1.2.0`, `1.2`, `1`).',
  })
  @RequirePermission(Permission.SIGNED_IN)
  plugin(
    @Args('type') type: string,
    @Args('version', { type: () => String, nullable: true }) version?: string | null,
  ): PluginModel {
    const descriptor = this.catalog.find(type, version ?? undefined);
    if (!descriptor) throw new NotFoundError('Plugin', version ? `${type}@${version}` : type);
    return PluginModel.from(descriptor);
  }
}
