import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { SCHEDULE_OVERLAP_POLICIES, type ScheduleOverlap } from '../schedule.entity';
import { ScheduleOverlapEnum } from './schedule.model';

@ArgsType()
export class ScheduleNoteArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'Why; shown with the schedule (in the Temporal UI too).' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  note?: string | null;
}

@ArgsType()
export class TriggerScheduleArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => ScheduleOverlapEnum, {
    nullable: true,
    description: 'ALLOW_ALL when absent: a run starts now even if another one runs.',
  })
  @IsOptional()
  @IsIn(SCHEDULE_OVERLAP_POLICIES)
  overlap?: ScheduleOverlap | null;
}

@ArgsType()
export class BackfillScheduleArgs {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Start of the past window (inclusive).' })
  from!: Date;

  @Field({ description: 'End of the past window (inclusive), not in the future.' })
  to!: Date;

  @Field(() => ScheduleOverlapEnum, {
    nullable: true,
    description: 'ALLOW_ALL when absent: every firing of the window starts a run.',
  })
  @IsOptional()
  @IsIn(SCHEDULE_OVERLAP_POLICIES)
  overlap?: ScheduleOverlap | null;
}
