import { Field, ID, InputType } from '@nestjs/graphql';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@InputType({
  description:
    'Publishes a new version (give definition or source, not both) and/or changes the description. ' +
    'The same content as the latest version publishes nothing.',
})
export class UpdateTemplateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true, description: 'null clears it; absent keeps it.' })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'The new definition as a JSON object.' })
  @IsOptional()
  @IsObject({ message: 'must be a JSON object' })
  definition?: JsonObject | null;

  @Field(() => String, { nullable: true, description: 'The new definition as YAML or JSON text.' })
  @IsOptional()
  @IsString()
  source?: string | null;
}
