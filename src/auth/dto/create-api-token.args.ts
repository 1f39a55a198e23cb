import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsDate, IsEnum, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import { ProjectRole } from '../../common/auth/roles';

@ArgsType()
export class CreateApiTokenArgs {
  @Field(() => ID)
  @IsUUID()
  projectId!: string;

  @Field(() => ProjectRole, { description: 'At most your own role in the project.' })
  @IsEnum(ProjectRole)
  role!: ProjectRole;

  @Field({ description: 'What the token is for (`ci-deploy`), 1 to 100 characters.' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @Field(() => Date, { nullable: true, description: 'When the token stops working; never when null.' })
  @IsOptional()
  @IsDate()
  expiresAt?: Date | null;
}
