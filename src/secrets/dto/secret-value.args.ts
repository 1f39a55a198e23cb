import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsString, IsUUID, Length, Matches } from 'class-validator';

const NAME_MESSAGE = 'name must be upper case letters, digits and _, starting with a letter (DEPLOY_KEY)';

/** Which secret: its project and name. */
@ArgsType()
export class SecretRefArgs {
  @Field(() => ID)
  @IsUUID()
  projectId!: string;

  @Field({ description: 'Upper case letters, digits and _, starting with a letter: DEPLOY_KEY.' })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{0,127}$/, { message: NAME_MESSAGE })
  name!: string;
}

/** A secret and its new value (`createSecret`, `rotateSecret`). */
@ArgsType()
export class SecretValueArgs extends SecretRefArgs {
  @Field({ description: 'The value, 1 to 65536 characters. Write-only: no query returns it.' })
  @IsString()
  @Length(1, 65536, { message: 'value must be 1 to 65536 characters' })
  value!: string;
}
