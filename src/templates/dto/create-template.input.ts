import { Field, ID, InputType } from '@nestjs/graphql';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@InputType({ description: 'A new template and its version 1. Give exactly one of definition or source.' })
export class CreateTemplateInput {
  @Field(() => ID)
  projectId!: string;

  @Field(() => String, {
    nullable: true,
    description: "Unique among the project's active templates; the definition's name when absent.",
  })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^\S(.*\S)?$/, { message: 'must not start or end with spaces' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: "The definition's description when absent." })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The definition as a JSON object.' })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object' })
  definition?: JsonObject | null;

  @Field(() => String, { nullable: true, description: 'The definition as YAML or JSON text.' })
  @IsOptional()
  @IsString()
  source?: string | null;
}
