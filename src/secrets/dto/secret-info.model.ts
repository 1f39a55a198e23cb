import { Field, Int, ObjectType } from '@nestjs/graphql';

/** A project secret as the API shows it: its name and history, never its value. */
@ObjectType('Secret', { description: 'A project secret: name and metadata only; the value is never readable.' })
export class SecretInfo {
  @Field({ description: 'Referenced in node inputs as ${secrets.NAME}.' })
  name!: string;

  @Field(() => Int, { description: '1 at creation, +1 on every rotation.' })
  version!: number;

  @Field()
  createdAt!: Date;

  @Field()
  createdBy!: string;

  @Field(() => Date, { nullable: true })
  rotatedAt!: Date | null;

  @Field(() => String, { nullable: true })
  rotatedBy!: string | null;
}
