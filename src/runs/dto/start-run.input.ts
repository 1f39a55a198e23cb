import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Length, MaxLength, Min } from 'class-validator';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@InputType()
export class StartRunInput {
  @Field(() => ID)
  templateId!: string;

  @Field(() => Int, { nullable: true, description: 'The template version to run; the latest when absent.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number | null;

  @Field(() => GraphQLJSON, { nullable: true, description: "Run inputs, checked against the template's inputs." })
  inputs?: JsonObject | null;

  @Field(() => String, {
    nullable: true,
    description: 'Idempotency key: a startRun repeated with the same key in the project returns the same run.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  requestId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "An http(s) URL that receives a POST with the run's final state when it ends, retried with backoff " +
      'until it succeeds or its deadline passes (the delivery shows in the run).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  callbackUrl?: string | null;
}
