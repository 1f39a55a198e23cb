import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretsModule } from '../secrets/secrets.module';
import { TemplatesModule } from '../templates/templates.module';
import { TemporalModule } from '../temporal/temporal.module';
import { NodeRun } from './node-run.entity';
import { ReconcilerService } from './reconciler.service';
import { RunControlService } from './run-control.service';
import { RunEventsService } from './run-events.service';
import { RunLauncherService } from './run-launcher.service';
import { RunWaitingService } from './run-waiting.service';
import { Run } from './run.entity';
import { RunsResolver } from './runs.resolver';
import { RunsService } from './runs.service';

/**
 * Runs: `runs`, `run`, `startRun`, `rerunRun`, `cloneRun`, `pauseRun`, `resumeRun`, `cancelRun`,
 * `retryNode`, `skipNode`, `forceFailNode`, `pauseAtNode`, `clearBreakpoint`, `approveNode`,
 * `rejectNode` and the `runUpdated` subscription; the reconciler that keeps PostgreSQL in step with Temporal.
 * (The worker side, `createProgressSinks`, lives in `progress-recorder.ts` and needs no module.)
 */
@Module({
  imports: [TypeOrmModule.forFeature([Run, NodeRun]), TemplatesModule, TemporalModule, SecretsModule],
  providers: [
    RunsService,
    RunLauncherService,
    RunControlService,
    RunEventsService,
    ReconcilerService,
    RunWaitingService,
    RunsResolver,
  ],
  exports: [RunsService, RunLauncherService, RunControlService, ReconcilerService],
})
export class RunsModule {}
