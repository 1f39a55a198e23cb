import { Global, Module } from '@nestjs/common';
import { ProjectAccessService } from './project-access.service';

/** Makes {@link ProjectAccessService} injectable everywhere (features check roles with it). */
@Global()
@Module({ providers: [ProjectAccessService], exports: [ProjectAccessService] })
export class AccessModule {}
