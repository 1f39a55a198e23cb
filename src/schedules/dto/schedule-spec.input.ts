import { Field, InputType, Int } from '@nestjs/graphql';
import { IsDate, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

@InputType({
  description: 'When a schedule fires: exactly one of cron (with an optional timezone), intervalSeconds, at.',
})
export class ScheduleSpecInput {
  @Field(() => String, {
    nullable: true,
    description:
      'A cron expression: 5 fields (minute hour day-of-month month day-of-week), 6 (+ year) or 7 (second first); @daily, @hourly... too.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cron?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'IANA time zone of the cron expression (Europe/Paris); UTC when absent.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  timezone?: string | null;

  @Field(() => Int, { nullable: true, description: 'Fires every this many seconds (aligned on the Unix epoch).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  intervalSeconds?: number | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Fires once, at this time (whole seconds), which must be in the future.',
  })
  @IsOptional()
  @IsDate()
  at?: Date | null;
}
