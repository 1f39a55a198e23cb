import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Secret } from './secret.entity';
import { SecretsResolver } from './secrets.resolver';
import { SecretsService } from './secrets.service';

/** Project secrets: the GraphQL API to manage them, and {@link SecretsService} for the run launcher. */
@Module({
  imports: [TypeOrmModule.forFeature([Secret])],
  providers: [SecretsService, SecretsResolver],
  exports: [SecretsService],
})
export class SecretsModule {}
