import { Field, ID, ObjectType } from '@nestjs/graphql';

/**
 * The fields every GraphQL type bound to a template of a project opens with (`Run`, `Schedule`):
 * its id, its project and template, and its two timestamps. Abstract: no GraphQL type of its own.
 */
@ObjectType({ isAbstract: true })
export abstract class TemplateBoundModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  projectId!: string;

  @Field(() => ID)
  templateId!: string;

  @Field({ description: "The template's name." })
  templateName!: string;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}
