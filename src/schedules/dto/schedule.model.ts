import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { TemplateBoundModel } from '../../common/graphql/template-bound.model';
import { SCHEDULE_OVERLAP_POLICIES, type ScheduleOverlap } from '../schedule.entity';

/** The six Temporal overlap policies as a GraphQL enum (same names and values). */
export const ScheduleOverlapEnum = Object.fromEntries(SCHEDULE_OVERLAP_POLICIES.map((policy) => [policy, policy])) as {
  [P in ScheduleOverlap]: P;
};
registerEnumType(ScheduleOverlapEnum, {
  name: 'ScheduleOverlapPolicy',
  description:
    'What a firing does while a run it started earlier still runs: SKIP it (the default), BUFFER_ONE (run it ' +
    'after, at most one waiting), BUFFER_ALL (run each after the other), CANCEL_OTHER (cancel the running one, ' +
    'then start), TERMINATE_OTHER (terminate it and start), ALLOW_ALL (run side by side).',
});

@ObjectType('ScheduleSpec', { description: 'When a schedule fires: one of cron (in timezone), an interval, a time.' })
export class ScheduleSpecModel {
  @Field(() => String, { nullable: true, description: 'A cron expression (5 to 7 fields, or @daily, @hourly...).' })
  cron!: string | null;

  @Field(() => String, { nullable: true, description: 'IANA time zone of the cron expression; UTC when null.' })
  timezone!: string | null;

  @Field(() => Int, { nullable: true, description: 'Fires every this many seconds (aligned on the Unix epoch).' })
  intervalSeconds!: number | null;

  @Field(() => Date, { nullable: true, description: 'Fires once, at this time.' })
  at!: Date | null;
}

@ObjectType('ScheduleAction', { description: 'A run a schedule started (from Temporal).' })
export class ScheduleActionModel {
  @Field({ description: 'The time the firing was for (a backfill fires for past times).' })
  scheduledAt!: Date;

  @Field({ description: 'When the run was started.' })
  takenAt!: Date;

  @Field(() => ID, { description: 'The run (its Switchyard id is its Temporal run id).' })
  runId!: string;

  @Field()
  workflowId!: string;
}

@ObjectType('Schedule', {
  description:
    'A Temporal Schedule that starts runs of a template: on a cron expression, at a fixed interval or once. ' +
    'Each run it starts is a normal run, started by schedule:<name>.',
})
export class ScheduleModel extends TemplateBoundModel {
  @Field({ description: 'Unique in its project; part of the Temporal ids.' })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'The pinned template version; null when it follows the latest.' })
  version!: number | null;

  @Field({ description: 'Whether each new template version is picked up as soon as it is published.' })
  followLatest!: boolean;

  @Field(() => Int, {
    nullable: true,
    description: 'The template version the next firings run (the pinned one, or the latest).',
  })
  actionVersion!: number | null;

  @Field(() => ScheduleSpecModel)
  spec!: ScheduleSpecModel;

  @Field(() => GraphQLJSON, { description: 'The run inputs of every firing, as given.' })
  inputs!: JsonObject;

  @Field(() => ScheduleOverlapEnum)
  overlap!: ScheduleOverlap;

  @Field(() => Int, {
    nullable: true,
    description: "How late a missed firing may still run after an outage, in seconds; null: Temporal's default.",
  })
  catchupWindowSeconds!: number | null;

  @Field({ description: 'The Temporal Schedule id, also the prefix of the workflow ids of its runs.' })
  temporalScheduleId!: string;

  @Field({ description: 'Who created it (username or token:<name>).' })
  createdBy!: string;

  /** The last pause state Switchyard recorded (the `paused` field asks Temporal). */
  pausedInDatabase!: boolean;

  /** Set by pause and resume: the state they just wrote, answered without asking Temporal again. */
  knownPaused?: boolean;
}
