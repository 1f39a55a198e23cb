import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';
import { TemplateVersionsResolver } from './template-versions.resolver';
import { TemplatesResolver } from './templates.resolver';
import { TemplatesService } from './templates.service';

/**
 * Templates and their immutable versions: `templates`, `template`, `templateVersion`,
 * `validateDefinition`, `createTemplate`, `updateTemplate`, `archiveTemplate`, `unarchiveTemplate`.
 * Exports {@link TemplatesService} (`getVersion`) for the runs and schedules modules.
 * Validates against the global `PluginCatalogService`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Template, TemplateVersion])],
  providers: [TemplatesService, TemplatesResolver, TemplateVersionsResolver],
  exports: [TemplatesService],
})
export class TemplatesModule {}
