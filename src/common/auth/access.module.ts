import { Global, Module } from '@nestjs/common';
import type { SwitchyardConfig } from '../../config/config';
import { SWITCHYARD_CONFIG } from '../../config/config.module';
import { ACCESS_CACHE_TTL_MS, AccessCache } from './access-cache';
import { ProjectAccessService } from './project-access.service';

/**
 * Makes {@link ProjectAccessService} injectable everywhere (features check roles with it), and the
 * {@link AccessCache} that features invalidate when they change who may do what.
 */
@Global()
@Module({
  providers: [
    ProjectAccessService,
    {
      provide: AccessCache,
      inject: [SWITCHYARD_CONFIG],
      useFactory: (config: SwitchyardConfig) => new AccessCache(config.auth.accessCacheMs ?? ACCESS_CACHE_TTL_MS),
    },
  ],
  exports: [ProjectAccessService, AccessCache],
})
export class AccessModule {}
