import { Context, ID, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { Permission } from '../common/auth/permissions';
import { projectOfParent, RequirePermission } from '../common/auth/require-permission.decorator';
import { RunModel } from '../runs/dto/run.model';

/** Looks the schedules of many runs up in one query: the ids asked for in one turn of the event loop. */
class ScheduleIdLoader {
  private batch: Map<string, Array<(scheduleId: string | null) => void>> | undefined;

  constructor(private readonly dataSource: DataSource) {}

  load(runId: string): Promise<string | null> {
    return new Promise((resolve, reject) => {
      if (!this.batch) {
        const batch = new Map<string, Array<(scheduleId: string | null) => void>>();
        this.batch = batch;
        setImmediate(() => {
          this.batch = undefined;
          this.dataSource
            .query<Array<{ run_id: string; schedule_id: string }>>(
              'SELECT run_id, schedule_id FROM schedule_runs WHERE run_id = ANY($1::uuid[])',
              [[...batch.keys()]],
            )
            .then((rows) => {
              const found = new Map(rows.map((row) => [row.run_id, row.schedule_id]));
              for (const [id, waiting] of batch) for (const done of waiting) done(found.get(id) ?? null);
            }, reject);
        });
      }
      const waiting = this.batch.get(runId) ?? [];
      waiting.push(resolve);
      this.batch.set(runId, waiting);
    });
  }
}

/** `Run.scheduleId`: which schedule started a run (from `schedule_runs`, written by the worker's registrar). */
@Resolver(() => RunModel)
export class RunScheduleResolver {
  private readonly loaders = new WeakMap<object, ScheduleIdLoader>();

  constructor(private readonly dataSource: DataSource) {}

  @ResolveField(() => ID, {
    nullable: true,
    description: 'The schedule that started this run (null for runs started otherwise, or once it is deleted).',
  })
  @RequirePermission(Permission.PROJECT_READ, { project: projectOfParent('projectId') })
  scheduleId(@Parent() run: RunModel, @Context() context: object): Promise<string | null> {
    let loader = this.loaders.get(context);
    if (!loader) {
      loader = new ScheduleIdLoader(this.dataSource);
      this.loaders.set(context, loader);
    }
    return loader.load(run.id);
  }
}
