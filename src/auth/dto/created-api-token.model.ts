import { Field, ObjectType } from '@nestjs/graphql';
import { ApiToken } from '../api-token.entity';

@ObjectType()
export class CreatedApiToken {
  @Field({ description: 'The token (`sy_...`). Shown only now: only its hash is kept.' })
  token!: string;

  @Field(() => ApiToken)
  apiToken!: ApiToken;
}
