import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import { principalLabel, type Principal } from '../common/auth/principal';
import { RequirePermission } from '../common/auth/require-permission.decorator';
import { NotFoundError } from '../common/errors/app-errors';
import { PluginModel } from './dto/plugin.model';
import { PluginDescriptorInput } from './dto/register-plugins.input';
import { PluginCatalogService } from './plugin-catalog.service';
import { RemotePluginsService } from './remote-plugins.service';

interface RegisterPluginsArgs {
  taskQueue: string;
  plugins: PluginDescriptorInput[];
}

@Resolver(() => PluginModel)
export class PluginsCatalogResolver {
  constructor(
    private readonly catalog: PluginCatalogService,
    private readonly remote: RemotePluginsService,
  ) {}

  @Mutation(() => [PluginModel], {
    description:
      'Registers the plugins a worker of their own serves on `taskQueue` (a `switchyard worker --plugins-only` calls it at start): ' +
      'stored, added to the catalog, and their nodes routed to that queue. The same type@version registered again is replaced.',
  })
  @RequirePermission(Permission.PLUGIN_REGISTER)
  @Audit<RegisterPluginsArgs, PluginModel[]>({
    resourceType: 'pluginTaskQueue',
    resourceId: ({ args }) => args.taskQueue.slice(0, 255),
  })
  async registerPlugins(
    @CurrentPrincipal() principal: Principal,
    @Args('taskQueue', { description: 'The task queue the registering worker serves.' }) taskQueue: string,
    @Args('plugins', { type: () => [PluginDescriptorInput] }) plugins: PluginDescriptorInput[],
  ): Promise<PluginModel[]> {
    const registered = await this.remote.register(taskQueue, plugins, principalLabel(principal));
    return registered.map((descriptor) => PluginModel.from(descriptor));
  }

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
