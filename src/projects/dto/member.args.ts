import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsEnum, IsString, Length } from 'class-validator';
import { ProjectRole } from '../../common/auth/roles';

@ArgsType()
export class MemberArgs {
  @Field(() => ID)
  projectId!: string;

  @Field()
  @IsString()
  @Length(1, 64)
  username!: string;
}

@ArgsType()
export class MemberRoleArgs extends MemberArgs {
  @Field(() => ProjectRole)
  @IsEnum(ProjectRole)
  role!: ProjectRole;
}
