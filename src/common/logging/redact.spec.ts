import { REDACTED, redactSecrets } from './redact';

describe(redactSecrets.name, () => {
  it('replaces secret-looking keys at any depth and keeps the rest', () => {
    const input = {
      username: 'ada',
      password: 'hunter2',
      input: { name: 'ci', apiToken: 'sy_abc', nested: [{ clientSecret: 'x', keep: 1 }] },
      Authorization: 'Bearer x',
      when: new Date('2026-01-01T00:00:00Z'),
    };
    expect(redactSecrets(input)).toEqual({
      username: 'ada',
      password: REDACTED,
      input: { name: 'ci', apiToken: REDACTED, nested: [{ clientSecret: REDACTED, keep: 1 }] },
      Authorization: REDACTED,
      when: '2026-01-01T00:00:00.000Z',
    });
    expect(input.password).toBe('hunter2');
  });

  it('cuts deep structures instead of recursing forever', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(JSON.stringify(redactSecrets(cyclic, 3))).toBe('{"a":1,"self":{"a":1,"self":{"a":1,"self":"[…]"}}}');
  });
});
