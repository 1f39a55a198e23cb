import { checkInputValue, coerceInputString, jsonEquals, validateRunInputs } from './inputs';
import type { Definition } from './types';

const definition: Definition = {
  name: 'deploy',
  inputs: {
    env: { type: 'string', enum: ['dev', 'prod'], default: 'dev' },
    replicas: { type: 'integer', default: 2, minimum: 1 },
    ratio: { type: 'number', required: false },
    dryRun: { type: 'boolean', default: false },
    labels: { type: 'object', required: false },
    hosts: { type: 'array', required: false },
    ticket: { type: 'string', pattern: '^OPS-[0-9]+$' },
    note: { required: false },
  },
  nodes: [{ id: 'a', type: 'vars.set' }],
};

describe(validateRunInputs.name, () => {
  it('applies defaults and keeps given values', () => {
    expect(validateRunInputs(definition, { ticket: 'OPS-1', env: 'prod' })).toEqual({
      inputs: { env: 'prod', replicas: 2, dryRun: false, ticket: 'OPS-1' },
      problems: [],
    });
  });

  it('needs inputs without a default unless required is false', () => {
    expect(validateRunInputs(definition, {}).problems).toEqual([
      { path: 'inputs.ticket', message: 'required input is missing' },
    ]);
  });

  it('refuses unknown inputs, naming the declared ones', () => {
    const { problems, inputs } = validateRunInputs(definition, { ticket: 'OPS-1', replica: 3 });
    expect(inputs).toBeUndefined();
    expect(problems).toEqual([
      {
        path: 'inputs.replica',
        message: 'unknown input (declared: env, replicas, ratio, dryRun, labels, hosts, ticket, note)',
      },
    ]);
    expect(validateRunInputs({ name: 'x', nodes: [] }, { a: 1 }).problems).toEqual([
      { path: 'inputs.a', message: 'unknown input (none declared)' },
    ]);
  });

  it('checks types, telling integers from numbers, and enums', () => {
    const { problems } = validateRunInputs(definition, {
      ticket: 'OPS-1',
      env: 'staging',
      replicas: 2.5,
      ratio: 'high',
      dryRun: 'no',
      labels: [],
      hosts: {},
    });
    expect(problems).toEqual([
      { path: 'inputs.env', message: 'must be one of: dev, prod' },
      { path: 'inputs.replicas', message: 'must be integer' },
      { path: 'inputs.ratio', message: 'must be number' },
      { path: 'inputs.dryRun', message: 'must be boolean' },
      { path: 'inputs.labels', message: 'must be object' },
      { path: 'inputs.hosts', message: 'must be array' },
    ]);
    expect(validateRunInputs(definition, { ticket: 'OPS-1', replicas: 3, ratio: 3 }).problems).toEqual([]);
  });

  it('checks constraints', () => {
    expect(validateRunInputs(definition, { ticket: 'JIRA-1', replicas: 0 }).problems).toEqual([
      { path: 'inputs.replicas', message: 'must be >= 1' },
      { path: 'inputs.ticket', message: 'must match pattern ^OPS-[0-9]+$' },
    ]);
  });

  it('takes any JSON value for an input without a type', () => {
    expect(validateRunInputs(definition, { ticket: 'OPS-1', note: { any: [1] } }).inputs?.note).toEqual({ any: [1] });
  });

  it('refuses values that are not JSON', () => {
    expect(validateRunInputs(definition, { ticket: 'OPS-1', labels: { when: new Date(0) } }).problems).toEqual([
      { path: 'inputs.labels.when', message: 'Date is not a JSON value' },
    ]);
    expect(validateRunInputs(definition, [] as never).problems).toEqual([
      { path: 'inputs', message: 'must be an object of input values' },
    ]);
  });

  describe('with coerceStrings', () => {
    const coerce = (given: Record<string, string>) =>
      validateRunInputs(definition, { ticket: 'OPS-1', ...given }, { coerceStrings: true });

    it('converts command-line strings to the declared types', () => {
      expect(
        coerce({
          replicas: '3',
          ratio: '0.5',
          dryRun: 'TRUE',
          labels: '{"team": "ops"}',
          hosts: '["a", "b"]',
          env: 'prod',
          note: '42',
        }),
      ).toEqual({
        inputs: {
          env: 'prod',
          replicas: 3,
          ratio: 0.5,
          dryRun: true,
          labels: { team: 'ops' },
          hosts: ['a', 'b'],
          ticket: 'OPS-1',
          note: '42',
        },
        problems: [],
      });
    });

    it('reports strings that do not read as the type', () => {
      expect(coerce({ replicas: '3.5', ratio: 'abc', dryRun: 'maybe', labels: '[1]', hosts: 'a,b' }).problems).toEqual([
        { path: 'inputs.replicas', message: 'must be integer, got "3.5"' },
        { path: 'inputs.ratio', message: 'must be number, got "abc"' },
        { path: 'inputs.dryRun', message: 'must be true or false, got "maybe"' },
        { path: 'inputs.labels', message: 'must be object' },
        { path: 'inputs.hosts', message: 'must be array written as JSON, got "a,b"' },
      ]);
      expect(coerce({ replicas: '99999999999999999999' }).problems).toEqual([
        { path: 'inputs.replicas', message: 'integer 99999999999999999999 is too large' },
      ]);
    });

    it('still checks enums and constraints after converting', () => {
      expect(coerce({ replicas: '0', env: 'qa' }).problems).toEqual([
        { path: 'inputs.env', message: 'must be one of: dev, prod' },
        { path: 'inputs.replicas', message: 'must be >= 1' },
      ]);
    });

    it('leaves values that are not strings alone', () => {
      expect(
        validateRunInputs(definition, { ticket: 'OPS-1', replicas: 4 }, { coerceStrings: true }).inputs?.replicas,
      ).toBe(4);
    });
  });

  it('does not coerce without the option', () => {
    expect(validateRunInputs(definition, { ticket: 'OPS-1', replicas: '3' }).problems).toEqual([
      { path: 'inputs.replicas', message: 'must be integer' },
    ]);
  });

  it('copies defaults, so a run cannot change its definition', () => {
    const withObject: Definition = { name: 'x', inputs: { o: { type: 'object', default: { a: [1] } } }, nodes: [] };
    const { inputs } = validateRunInputs(withObject, {});
    (inputs?.o as { a: number[] }).a.push(2);
    expect(withObject.inputs?.o.default).toEqual({ a: [1] });
  });
});

describe(checkInputValue.name, () => {
  it('checks lengths and item counts', () => {
    expect(checkInputValue({ type: 'string', minLength: 2, maxLength: 3 }, 'a')).toBe(
      'must have at least 2 characters',
    );
    expect(checkInputValue({ type: 'string', maxLength: 3 }, 'abcd')).toBe('must have at most 3 characters');
    expect(checkInputValue({ type: 'array', minItems: 1 }, [])).toBe('must have at least 1 items');
    expect(checkInputValue({ type: 'number', exclusiveMaximum: 1 }, 1)).toBe('must be < 1');
    expect(checkInputValue({ type: 'string', maxLength: 3 }, 'abc')).toBeUndefined();
  });
});

describe(coerceInputString.name, () => {
  it('keeps strings for string and untyped inputs', () => {
    expect(coerceInputString('string', ' 3 ')).toEqual({ value: ' 3 ' });
    expect(coerceInputString(undefined, 'x')).toEqual({ value: 'x' });
  });
});

describe(jsonEquals.name, () => {
  it('compares structurally, ignoring key order', () => {
    expect(jsonEquals({ a: [1, { b: 2 }], c: null }, { c: null, a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
    expect(jsonEquals([], {})).toBe(false);
    expect(jsonEquals(1, '1')).toBe(false);
  });
});
