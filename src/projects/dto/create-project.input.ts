import { Field, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, Length, Matches } from 'class-validator';

@InputType()
export class CreateProjectInput {
  @Field({ description: 'Unique, 1 to 100 characters, no leading or trailing spaces.' })
  @IsString()
  @Length(1, 100)
  @Matches(/^\S(.*\S)?$/, { message: 'must not start or end with spaces' })
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  description?: string | null;
}
