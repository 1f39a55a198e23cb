import { runPlugin } from '../sdk/testing';
import { builtinNoop } from './plugin';

describe('builtinNoop', () => {
  it('returns its input as its output', async () => {
    const input = { message: 'hello', nested: { list: [1, 'two', null, true] } };
    await expect(runPlugin(builtinNoop, input)).resolves.toEqual(input);
  });

  it('refuses a non-object input through its schema', async () => {
    await expect(runPlugin(builtinNoop, 'nope' as never)).rejects.toThrow(
      'Invalid input for builtin.noop@1.0.0: with: must be object',
    );
  });
});
