import type { JsonObject, JsonSchema } from '../sdk';

/** Any object: `builtin.noop` hands its input back unchanged. */
export const noopInputSchema: JsonSchema = {
  title: 'builtin.noop input',
  description: 'Any object; it becomes the output as is.',
  type: 'object',
};

/** The same object as the input. */
export const noopOutputSchema: JsonSchema = {
  title: 'builtin.noop output',
  type: 'object',
};

export const noopExamples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  { title: 'Pass a value through', with: { message: 'hello', count: 3 } },
  { title: 'Nothing at all', with: {} },
];
