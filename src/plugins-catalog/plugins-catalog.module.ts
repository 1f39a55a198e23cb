import { Global, Module } from '@nestjs/common';
import { PluginCatalogService } from './plugin-catalog.service';
import { PluginsCatalogResolver } from './plugins-catalog.resolver';

/**
 * The plugin catalog: {@link PluginCatalogService} (global, for templates and runs to validate and
 * compile definitions against) and the `plugins`/`plugin` queries the admin frontend draws forms from.
 */
@Global()
@Module({
  providers: [PluginCatalogService, PluginsCatalogResolver],
  exports: [PluginCatalogService],
})
export class PluginsCatalogModule {}
