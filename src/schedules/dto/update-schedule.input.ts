import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { SCHEDULE_OVERLAP_POLICIES, type ScheduleOverlap } from '../schedule.entity';
import { MAX_CATCHUP_WINDOW_SECONDS, MIN_CATCHUP_WINDOW_SECONDS } from './create-schedule.input';
import { ScheduleOverlapEnum } from './schedule.model';
import { ScheduleSpecInput } from './schedule-spec.input';

@InputType({
  description: 'Changes to a schedule; absent fields stay as they are. Pause and resume have mutations of their own.',
})
export class UpdateScheduleInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { nullable: true, description: 'Pins this template version.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: follow the latest version from now on; false: pin the version the schedule runs now.',
  })
  @IsOptional()
  @IsBoolean()
  followLatest?: boolean | null;

  @Field(() => ScheduleSpecInput, { nullable: true, description: 'Replaces the whole spec.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduleSpecInput)
  spec?: ScheduleSpecInput | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Replaces the run inputs.' })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object' })
  inputs?: JsonObject | null;

  @Field(() => ScheduleOverlapEnum, { nullable: true })
  @IsOptional()
  @IsIn(SCHEDULE_OVERLAP_POLICIES)
  overlap?: ScheduleOverlap | null;

  @Field(() => Int, { nullable: true, description: "Seconds (at least 10); null: back to Temporal's default." })
  @IsOptional()
  @IsInt()
  @Min(MIN_CATCHUP_WINDOW_SECONDS)
  @Max(MAX_CATCHUP_WINDOW_SECONDS)
  catchupWindowSeconds?: number | null;
}
