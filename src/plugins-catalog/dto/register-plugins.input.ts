import { Field, InputType } from '@nestjs/graphql';
import type { JsonObject, JsonSchema } from '../../../plugins/sdk';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@InputType('PluginDescriptorInput', {
  description:
    'A plugin as a worker of its own serves it: what the catalog, the validator and the compiler need (no code).',
})
export class PluginDescriptorInput {
  @Field({ description: 'The node `type` and activity type: dotted lower-case words, e.g. `acme.deploy`.' })
  type!: string;

  @Field({ description: 'Semantic version, e.g. `1.0.0`.' })
  version!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => GraphQLJSON, { description: "JSON Schema of the node's `with`." })
  inputSchema!: JsonSchema;

  @Field(() => GraphQLJSON, { nullable: true, description: 'JSON Schema of the output.' })
  outputSchema?: JsonSchema | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Default `{ retry, timeout }`.' })
  defaults?: JsonObject | null;

  @Field(() => GraphQLJSON, { nullable: true, description: 'Example `with` blocks: `[{ title, with }]`.' })
  examples?: JsonObject[] | null;

  @Field(() => String, { nullable: true, description: 'Why it is deprecated, and what to use instead.' })
  deprecated?: string | null;

  @Field(() => GraphQLJSON, {
    nullable: true,
    description: 'For polling plugins: `{ interval, backoffCoefficient?, maxInterval?, timeout? }`.',
  })
  poll?: JsonObject | null;
}
