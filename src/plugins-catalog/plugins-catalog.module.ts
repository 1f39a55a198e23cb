import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PluginCatalogService } from './plugin-catalog.service';
import { PluginsCatalogResolver } from './plugins-catalog.resolver';
import { RegisteredPlugin } from './registered-plugin.entity';
import { RemotePluginsService } from './remote-plugins.service';

/**
 * The plugin catalog: {@link PluginCatalogService} (global, for templates and runs to validate and
 * compile definitions against), the `plugins`/`plugin` queries the admin frontend draws forms from, and
 * `registerPlugins`, through which workers of their own register the plugins they serve (kept in PostgreSQL).
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RegisteredPlugin])],
  providers: [PluginCatalogService, PluginsCatalogResolver, RemotePluginsService],
  exports: [PluginCatalogService],
})
export class PluginsCatalogModule {}
