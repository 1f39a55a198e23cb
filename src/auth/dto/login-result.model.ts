import { Field, ObjectType } from '@nestjs/graphql';
import { User } from '../../users/user.entity';

@ObjectType()
export class LoginResult {
  @Field({ description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field()
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
