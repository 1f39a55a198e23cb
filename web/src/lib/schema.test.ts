import { describe, expect, it } from 'vitest';
import { defaultsOf, fieldKind, inputsSchema, isExpression, parseNumberText, parseScalarText } from './schema';

describe('fieldKind', () => {
  it('draws scalars, enums, objects, maps and lists; the rest as JSON', () => {
    expect(fieldKind({ type: 'string' })).toBe('string');
    expect(fieldKind({ type: 'integer' })).toBe('integer');
    expect(fieldKind({ type: 'string', enum: ['GET', 'POST'] })).toBe('enum');
    expect(fieldKind({ type: 'object', properties: { a: { type: 'string' } } })).toBe('object');
    expect(fieldKind({ type: 'object', additionalProperties: { type: 'string' } })).toBe('map');
    expect(fieldKind({ type: 'array', items: { type: 'string' } })).toBe('list');
    expect(fieldKind({ type: ['object', 'array', 'string'] })).toBe('json');
    expect(fieldKind({ type: ['string', 'integer'] })).toBe('scalar');
    expect(fieldKind({ type: ['string', 'null'] })).toBe('string');
    expect(fieldKind({ type: 'object' })).toBe('json');
    expect(fieldKind({})).toBe('json');
  });
});

describe('parseNumberText', () => {
  it('reads numbers, keeps expressions and odd text, empties to undefined', () => {
    expect(parseNumberText('3', true)).toBe(3);
    expect(parseNumberText('2.5', false)).toBe(2.5);
    expect(parseNumberText('2.5', true)).toBe('2.5');
    expect(parseNumberText('${inputs.n}', true)).toBe('${inputs.n}');
    expect(parseNumberText('  ', true)).toBeUndefined();
  });

  it('knows a whole-value expression', () => {
    expect(isExpression('${a.b}')).toBe(true);
    expect(isExpression('x ${a}')).toBe(false);
  });
});

describe('parseScalarText', () => {
  it('reads digits as a number where the schema allows one, the rest as text', () => {
    expect(parseScalarText('5000', { type: ['string', 'integer'] })).toBe(5000);
    expect(parseScalarText('5m', { type: ['string', 'integer'] })).toBe('5m');
    expect(parseScalarText('1.5', { type: ['string', 'integer'] })).toBe('1.5');
    expect(parseScalarText('', { type: ['string', 'number'] })).toBeUndefined();
  });
});

describe('inputsSchema', () => {
  it("turns a definition's inputs into an object schema, required only without a default", () => {
    const schema = inputsSchema({
      env: { type: 'string', enum: ['dev', 'prod'], default: 'dev', required: true },
      ticket: { type: 'string', required: true, description: 'Change ticket' },
      replicas: { type: 'integer', default: 2 },
    });
    expect(schema).toEqual({
      type: 'object',
      required: ['ticket'],
      properties: {
        env: { title: 'env', type: 'string', enum: ['dev', 'prod'], default: 'dev' },
        ticket: { title: 'ticket', type: 'string', description: 'Change ticket' },
        replicas: { title: 'replicas', type: 'integer', default: 2 },
      },
    });
    expect(defaultsOf(schema)).toEqual({ env: 'dev', replicas: 2 });
  });
});
