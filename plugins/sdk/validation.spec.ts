import { SchemaValidator, formatProblems } from './validation';

describe(SchemaValidator.name, () => {
  const validator = new SchemaValidator();
  const schema = {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', format: 'uri' },
      method: { enum: ['GET', 'POST'] },
      headers: { type: 'object', additionalProperties: { type: 'string' } },
      hosts: { type: 'array', items: { type: 'string' } },
    },
  };

  it('accepts a fitting value', () => {
    expect(validator.check(schema, { url: 'https://x.local', hosts: ['a'] })).toEqual([]);
  });

  it('lists every problem with a readable path, formats included', () => {
    const problems = validator.check(schema, {
      url: 'not a uri',
      method: 'PUT',
      headers: { 'X-Count': 3 },
      hosts: ['a', 7],
      extra: true,
    });
    expect(problems).toEqual([
      { path: 'with.extra', message: 'is not allowed' },
      { path: 'with.url', message: 'must match format "uri"' },
      { path: 'with.method', message: 'must be one of "GET", "POST"' },
      { path: 'with.headers["X-Count"]', message: 'must be string' },
      { path: 'with.hosts[1]', message: 'must be string' },
    ]);
    expect(formatProblems(validator.check(schema, {}))).toBe('with.url: is required');
  });

  it('compiles each schema once', () => {
    expect(validator.compile(schema)).toBe(validator.compile(schema));
  });

  it('throws on a schema that is not one', () => {
    expect(() => validator.compile({ type: 'nonsense' })).toThrow();
  });
});
