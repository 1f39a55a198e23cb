import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';
import { SCHEDULE_OVERLAP_POLICIES, type ScheduleOverlap } from '../schedule.entity';
import { SCHEDULE_NAME_PATTERN } from '../schedule-spec';
import { ScheduleOverlapEnum } from './schedule.model';
import { ScheduleSpecInput } from './schedule-spec.input';

/** Temporal refuses catch-up windows under ten seconds. */
export const MIN_CATCHUP_WINDOW_SECONDS = 10;
/** Temporal's default catch-up window is a year; longer makes little sense. */
export const MAX_CATCHUP_WINDOW_SECONDS = 366 * 24 * 3600;

@InputType({ description: 'A new schedule of a template.' })
export class CreateScheduleInput {
  @Field(() => ID)
  templateId!: string;

  @Field({
    description: 'Unique in the project: lowercase letters, digits and dashes (it becomes part of Temporal ids).',
  })
  @IsString()
  @Matches(SCHEDULE_NAME_PATTERN, {
    message: 'must be 1 to 63 lowercase letters, digits and dashes, starting and ending with a letter or digit',
  })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Pins this template version; absent: see followLatest.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Runs the latest template version, picking up each new one when it is published (the default when no ' +
      'version is given). false without a version pins the latest version as of now.',
  })
  @IsOptional()
  @IsBoolean()
  followLatest?: boolean | null;

  @Field(() => ScheduleSpecInput)
  @ValidateNested()
  @Type(() => ScheduleSpecInput)
  spec!: ScheduleSpecInput;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "Run inputs of every firing, checked against the template's inputs.",
  })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object' })
  inputs?: JsonObject | null;

  @Field(() => ScheduleOverlapEnum, { nullable: true, description: 'SKIP when absent.' })
  @IsOptional()
  @IsIn(SCHEDULE_OVERLAP_POLICIES)
  overlap?: ScheduleOverlap | null;

  @Field(() => Int, { nullable: true, description: "Seconds (at least 10); Temporal's default (a year) when absent." })
  @IsOptional()
  @IsInt()
  @Min(MIN_CATCHUP_WINDOW_SECONDS)
  @Max(MAX_CATCHUP_WINDOW_SECONDS)
  catchupWindowSeconds?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Create it paused.' })
  @IsOptional()
  @IsBoolean()
  paused?: boolean | null;

  @Field(() => String, { nullable: true, description: 'A note shown with the schedule (why it is paused...).' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  note?: string | null;
}
