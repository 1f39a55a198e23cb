import { Field, ObjectType } from '@nestjs/graphql';
import type { JsonObject, JsonSchema, PluginDefaults, PluginDescriptor } from '../../../plugins/sdk';
import { GraphQLJSON } from '../../common/graphql/json.scalar';

@ObjectType('PluginExample', { description: 'An example `with` block for a node of this plugin.' })
export class PluginExampleModel {
  @Field()
  title!: string;

  @Field(() => GraphQLJSON)
  with!: JsonObject;
}

@ObjectType('Plugin', {
  description: 'A node type that runs as a Temporal activity: its inputs and outputs as JSON Schemas, its defaults.',
})
export class PluginModel {
  @Field({ description: 'The node `type` and Temporal activity type, e.g. `http.request`.' })
  type!: string;

  @Field({ description: 'Semantic version, e.g. `1.0.0`; a node may pin it with `version`.' })
  version!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => GraphQLJSON, { description: "JSON Schema of the node's `with` (after expressions are resolved)." })
  inputSchema!: JsonSchema;

  @Field(() => GraphQLJSON, { nullable: true, description: 'JSON Schema of the output, when the plugin declares one.' })
  outputSchema!: JsonSchema | null;

  @Field(() => GraphQLJSON, {
    description: "Default `{ retry, timeout }`; a node's own `retry` and `timeout` are merged over them.",
  })
  defaults!: PluginDefaults;

  @Field(() => String, { nullable: true, description: 'Its own task queue, when a dedicated worker serves it.' })
  taskQueue!: string | null;

  @Field({ description: 'Still runs, but new definitions should not use it (see deprecationReason).' })
  deprecated!: boolean;

  @Field(() => String, { nullable: true })
  deprecationReason!: string | null;

  @Field(() => [PluginExampleModel])
  examples!: PluginExampleModel[];

  /** The GraphQL view of a descriptor: absent optional parts become null or empty. */
  static from(descriptor: PluginDescriptor): PluginModel {
    return {
      type: descriptor.type,
      version: descriptor.version,
      title: descriptor.title,
      description: descriptor.description ?? null,
      inputSchema: descriptor.inputSchema,
      outputSchema: descriptor.outputSchema ?? null,
      defaults: descriptor.defaults ?? {},
      taskQueue: descriptor.taskQueue ?? null,
      deprecated: descriptor.deprecated !== undefined,
      deprecationReason: descriptor.deprecated ?? null,
      examples: (descriptor.examples ?? []).map((example) => ({ title: example.title, with: example.with })),
    };
  }
}
