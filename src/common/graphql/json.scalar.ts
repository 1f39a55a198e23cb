import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

function literalValue(ast: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((value) => literalValue(value, variables));
    case Kind.OBJECT: {
      const object: Record<string, unknown> = {};
      for (const field of ast.fields) object[field.name.value] = literalValue(field.value, variables);
      return object;
    }
    case Kind.VARIABLE:
      return variables ? variables[ast.name.value] : undefined;
    default:
      throw new TypeError(`JSON cannot represent ${ast.kind}`);
  }
}

/**
 * `JSON`: any JSON value (run inputs and outputs, definitions, audit details).
 *
 * @example @Field(() => GraphQLJSON) inputs!: JsonObject;
 */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value: object, array, string, number, boolean or null.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => literalValue(ast, variables),
});
