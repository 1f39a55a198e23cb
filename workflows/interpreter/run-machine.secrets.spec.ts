import type { InterpreterInput } from '../contract';
import type { Definition } from '../definition/types';
import { RunMachine } from './run-machine';

const T = '2026-01-01T00:00:00.000Z';

function machine(definition: Definition, inputs = {}): RunMachine {
  const input: InterpreterInput = {
    plan: { definition, activities: {} },
    inputs,
    run: { id: 'r1', startedBy: 'spec', startedAt: T, projectId: 'p1' },
  };
  return new RunMachine(input);
}

const DEFINITION: Definition = {
  name: 'secrets',
  inputs: { env: { type: 'string' } },
  nodes: [
    {
      id: 'a',
      type: 'http.request',
      with: { url: 'https://x/${inputs.env}', headers: { authorization: 'Bearer ${secrets.TOKEN}' } },
      onFailure: 'manual',
    },
  ],
};

describe(`${RunMachine.name} and secrets`, () => {
  it('keeps placeholders in the node input and records their sites for the activity', () => {
    const m = machine(DEFINITION, { env: 'dev' });
    const launch = m.launchNext(T)!;
    expect(launch.input).toEqual({ url: 'https://x/dev', headers: { authorization: 'Bearer ${secrets.TOKEN}' } });
    expect(m.nodes.a.input).toEqual(launch.input);
    expect(m.secretSitesOf('a')).toEqual([{ path: ['headers', 'authorization'], offset: 7, name: 'TOKEN' }]);
  });

  it("refuses a retry whose with references a secret, and keeps the template's sites for the keys it leaves", () => {
    const m = machine(DEFINITION, { env: 'dev' });
    m.launchNext(T);
    m.failNode('a', { type: 'X', message: 'x' }, T, 1);
    expect(() => m.validateRetry({ nodeId: 'a', with: { url: 'https://evil/${secrets.TOKEN}' } })).toThrow(
      "retry: `with` cannot reference secrets; leave that key out to keep the template's value",
    );
    m.retry({ nodeId: 'a', with: { url: 'https://y/${inputs.env}' } });
    const second = m.launchNext(T)!;
    expect(second.input).toEqual({ url: 'https://y/dev', headers: { authorization: 'Bearer ${secrets.TOKEN}' } });
    expect(m.secretSitesOf('a')).toEqual([{ path: ['headers', 'authorization'], offset: 7, name: 'TOKEN' }]);
  });
});
