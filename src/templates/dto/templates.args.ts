import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsString, MaxLength } from 'class-validator';

@ArgsType()
export class TemplatesArgs {
  @Field(() => ID)
  projectId!: string;

  @Field(() => String, { nullable: true, description: 'Case-insensitive text in the name or description.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Include archived templates.' })
  includeArchived?: boolean;
}
