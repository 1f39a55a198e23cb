import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Run } from '../runs/run.entity';
import { TemporalModule } from '../temporal/temporal.module';
import { CallbackUse } from './callback-use.entity';
import { CallbacksController } from './callbacks.controller';
import { CallbacksService } from './callbacks.service';

/** `POST /callbacks/:token`: external systems complete callback nodes. */
@Module({
  imports: [TypeOrmModule.forFeature([CallbackUse, Run]), TemporalModule, AuditModule],
  controllers: [CallbacksController],
  providers: [CallbacksService],
})
export class CallbacksModule {}
