import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { TemplatesModule } from '../templates/templates.module';
import { TemporalModule } from '../temporal/temporal.module';
import { RunScheduleResolver } from './run-schedule.resolver';
import { Schedule } from './schedule.entity';
import { SchedulesResolver } from './schedules.resolver';
import { SchedulesService } from './schedules.service';
import { TemplatePublicationSubscriber } from './template-publication.subscriber';

/**
 * Schedules (Temporal Schedules): `schedules`, `schedule`, `createSchedule`, `updateSchedule`,
 * `pauseSchedule`, `resumeSchedule`, `triggerSchedule`, `backfillSchedule`, `deleteSchedule`, and
 * `Run.scheduleId`. Schedules that follow the latest template version are kept up to date by a
 * subscriber on published versions and a sweep. (The worker side, which records the runs
 * schedules start, is `src/runs/scheduled-run-registrar.ts`.)
 */
@Module({
  imports: [TypeOrmModule.forFeature([Schedule]), TemplatesModule, TemporalModule, AuditModule],
  providers: [SchedulesService, SchedulesResolver, RunScheduleResolver, TemplatePublicationSubscriber],
  exports: [SchedulesService],
})
export class SchedulesModule {}
