import { Field, InputType } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password';

/** Lowercase letters, digits, `.`, `_`, `-`; starts with a letter or digit; never a `:` (see `principalLabel`). */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

@InputType()
export class CreateUserInput {
  @Field({ description: 'Lowercase letters, digits, ".", "_" and "-", 2 to 64 characters.' })
  @IsString()
  @Matches(USERNAME_PATTERN, {
    message: 'must be 2 to 64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit',
  })
  username!: string;

  @Field({ description: `At least ${MIN_PASSWORD_LENGTH} characters.` })
  @IsString()
  @Length(MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH, {
    message: `must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`,
  })
  password!: string;

  @Field({ nullable: true, defaultValue: false, description: 'Make the user a global admin.' })
  @IsOptional()
  @IsBoolean()
  isAdmin?: boolean;
}
