import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { ScheduleDescription } from '@temporalio/client';
import { Audit } from '../audit/audit.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { Permission } from '../common/auth/permissions';
import type { Principal } from '../common/auth/principal';
import { projectArg, projectOf, projectOfParent, RequirePermission } from '../common/auth/require-permission.decorator';
import { CreateScheduleInput } from './dto/create-schedule.input';
import { ScheduleActionModel, ScheduleModel } from './dto/schedule.model';
import { BackfillScheduleArgs, ScheduleNoteArgs, TriggerScheduleArgs } from './dto/schedules.args';
import { UpdateScheduleInput } from './dto/update-schedule.input';
import { SchedulesService } from './schedules.service';

const readSchedule = { project: projectOfParent('projectId') };

/**
 * Schedules: read them (PostgreSQL for what they run, Temporal for when they fire and what they
 * did), create, change, pause, resume, trigger, backfill and delete them. Editors manage
 * schedules; viewers see them.
 */
@Resolver(() => ScheduleModel)
export class SchedulesResolver {
  /** Temporal's description of each schedule object being resolved: one describe per schedule per request. */
  private readonly descriptions = new WeakMap<ScheduleModel, Promise<ScheduleDescription | null>>();

  constructor(private readonly service: SchedulesService) {}

  @Query(() => [ScheduleModel], { description: "A project's schedules, by name." })
  @RequirePermission(Permission.PROJECT_READ, { project: projectArg('projectId') })
  schedules(@Args('projectId', { type: () => ID }) projectId: string): Promise<ScheduleModel[]> {
    return this.service.list(projectId);
  }

  @Query(() => ScheduleModel)
  @RequirePermission(Permission.PROJECT_READ, { project: projectOf('schedule', 'id') })
  schedule(@Args('id', { type: () => ID }) id: string): Promise<ScheduleModel> {
    return this.service.get(id);
  }

  @Mutation(() => ScheduleModel, {
    description:
      'Creates a schedule of a template: a Temporal Schedule whose runs start as schedule:<name>. Its inputs are ' +
      "checked against the template's inputs now, and at each new version when it follows the latest.",
  })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('template', 'input.templateId') })
  @Audit<{ input: CreateScheduleInput }, ScheduleModel>({
    resourceType: 'schedule',
    resourceId: ({ result }) => result?.id,
  })
  createSchedule(
    @Args('input') input: CreateScheduleInput,
    @CurrentPrincipal() principal: Principal,
  ): Promise<ScheduleModel> {
    return this.service.create(input, principal);
  }

  @Mutation(() => ScheduleModel, { description: 'Changes what a schedule runs, when, and how it handles overlaps.' })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('schedule', 'input.id') })
  @Audit<{ input: UpdateScheduleInput }, ScheduleModel>({
    resourceType: 'schedule',
    resourceId: ({ args }) => args.input?.id,
  })
  updateSchedule(@Args('input') input: UpdateScheduleInput): Promise<ScheduleModel> {
    return this.service.update(input);
  }

  @Mutation(() => ScheduleModel, { description: 'Pauses a schedule: it fires no more until resumed.' })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('schedule', 'id') })
  pauseSchedule(@Args() args: ScheduleNoteArgs, @CurrentPrincipal() principal: Principal): Promise<ScheduleModel> {
    return this.service.pause(args.id, args.note, principal);
  }

  @Mutation(() => ScheduleModel, { description: 'Resumes a paused schedule.' })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('schedule', 'id') })
  resumeSchedule(@Args() args: ScheduleNoteArgs, @CurrentPrincipal() principal: Principal): Promise<ScheduleModel> {
    return this.service.resume(args.id, args.note, principal);
  }

  @Mutation(() => ScheduleModel, { description: 'Starts a run of the schedule now, paused or not.' })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('schedule', 'id') })
  triggerSchedule(@Args() args: TriggerScheduleArgs): Promise<ScheduleModel> {
    return this.service.trigger(args.id, args.overlap);
  }

  @Mutation(() => ScheduleModel, {
    description: 'Starts, now, the runs the schedule would have started in a past window (one per firing time).',
  })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('schedule', 'id') })
  backfillSchedule(@Args() args: BackfillScheduleArgs): Promise<ScheduleModel> {
    return this.service.backfill(args.id, args.from, args.to, args.overlap);
  }

  @Mutation(() => ID, { description: 'Deletes a schedule; the runs it started stay. Returns its id.' })
  @RequirePermission(Permission.SCHEDULE_WRITE, { project: projectOf('schedule', 'id') })
  deleteSchedule(@Args('id', { type: () => ID }) id: string): Promise<string> {
    return this.service.delete(id);
  }

  // ---- from Temporal ------------------------------------------------------------------------

  @ResolveField(() => Boolean, { description: 'Whether it is paused (as Temporal says).' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async paused(@Parent() schedule: ScheduleModel): Promise<boolean> {
    if (schedule.knownPaused !== undefined) return schedule.knownPaused;
    return (await this.describe(schedule))?.state.paused ?? schedule.pausedInDatabase;
  }

  @ResolveField(() => String, { nullable: true, description: 'Why it was paused or resumed, and by whom.' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async note(@Parent() schedule: ScheduleModel): Promise<string | null> {
    return (await this.describe(schedule))?.state.note || null;
  }

  @ResolveField(() => [Date], { description: 'The next times it fires (none while paused).' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async nextActionTimes(@Parent() schedule: ScheduleModel): Promise<Date[]> {
    const description = await this.describe(schedule);
    return description && !description.state.paused ? description.info.nextActionTimes : [];
  }

  @ResolveField(() => [ScheduleActionModel], { description: 'The latest runs it started, oldest first.' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async recentActions(@Parent() schedule: ScheduleModel): Promise<ScheduleActionModel[]> {
    const description = await this.describe(schedule);
    return (description?.info.recentActions ?? []).map((action) => ({
      scheduledAt: action.scheduledAt,
      takenAt: action.takenAt,
      runId: action.action.workflow.firstExecutionRunId,
      workflowId: action.action.workflow.workflowId,
    }));
  }

  @ResolveField(() => [ID], { description: 'The runs it started that are still running.' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async runningRunIds(@Parent() schedule: ScheduleModel): Promise<string[]> {
    const description = await this.describe(schedule);
    return (description?.info.runningActions ?? []).map((action) => action.workflow.firstExecutionRunId);
  }

  @ResolveField(() => Int, { description: 'How many runs it started (firings, triggers and backfills).' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async actionCount(@Parent() schedule: ScheduleModel): Promise<number> {
    return (await this.describe(schedule))?.info.numActionsTaken ?? 0;
  }

  @ResolveField(() => Int, { description: 'Firings skipped because a run was still running (overlap SKIP...).' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async skippedOverlapCount(@Parent() schedule: ScheduleModel): Promise<number> {
    return (await this.describe(schedule))?.info.numActionsSkippedOverlap ?? 0;
  }

  @ResolveField(() => Int, { description: 'Firings missed because Temporal was down longer than the catch-up window.' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  async missedCatchupWindowCount(@Parent() schedule: ScheduleModel): Promise<number> {
    return (await this.describe(schedule))?.info.numActionsMissedCatchupWindow ?? 0;
  }

  @ResolveField(() => String, { description: 'The schedule in the Temporal Web UI.' })
  @RequirePermission(Permission.PROJECT_READ, readSchedule)
  temporalUiUrl(@Parent() schedule: ScheduleModel): string {
    return this.service.temporalUiUrl(schedule);
  }

  private describe(schedule: ScheduleModel): Promise<ScheduleDescription | null> {
    let description = this.descriptions.get(schedule);
    if (!description) {
      description = this.service.describe(schedule);
      this.descriptions.set(schedule, description);
    }
    return description;
  }
}
