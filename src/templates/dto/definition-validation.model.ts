import { Field, ObjectType } from '@nestjs/graphql';
import type { Problem } from '../../../workflows/definition/problems';
import type { JsonObject } from '../../../workflows/definition/types';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType({ description: 'One problem (or warning) in a definition: where, and what.' })
export class DefinitionProblem implements Problem {
  @Field({ description: '`nodes[3].with.url`, `edges[2].when`, or `line 4, column 7` for syntax errors.' })
  path!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'What the validator says about a definition, before anything is stored or run.' })
export class DefinitionValidation {
  @Field({ description: 'True when there is no problem (warnings allowed).' })
  valid!: boolean;

  @Field(() => [DefinitionProblem], { description: 'Everything that makes it unusable, all at once.' })
  problems!: DefinitionProblem[];

  @Field(() => [DefinitionProblem], { description: 'Allowed but probably unintended (deprecated plugins...).' })
  warnings!: DefinitionProblem[];

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'The definition as JSON (parsed from the source), when valid.',
  })
  definition!: JsonObject | null;

  @Field(() => String, { nullable: true, description: 'Its content hash, as a template version would record it.' })
  contentHash!: string | null;
}
