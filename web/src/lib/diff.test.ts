import { describe, expect, it } from 'vitest';
import type { Definition } from './definition';
import { diffDefinitions, diffValues, jsonEqual } from './diff';

const v1: Definition = {
  name: 'deploy',
  inputs: { env: { type: 'string', default: 'dev' } },
  nodes: [
    {
      id: 'build',
      type: 'http.request',
      with: { url: 'https://ci/build', method: 'POST' },
      retry: { maximumAttempts: 3 },
    },
    { id: 'route', type: 'gateway.exclusive' },
    { id: 'old', type: 'shell.exec', with: { command: 'echo old' } },
  ],
  edges: [
    { from: 'build', to: 'route' },
    { from: 'route', to: 'old', when: "inputs.env == 'dev'" },
  ],
};

const v2: Definition = {
  name: 'deploy',
  description: 'Deploys the web tier',
  inputs: { env: { type: 'string', default: 'prod' }, replicas: { type: 'integer' } },
  nodes: [
    {
      id: 'build',
      type: 'http.request',
      with: { url: 'https://ci/build/v2', method: 'POST' },
      retry: { maximumAttempts: 5 },
      onFailure: 'manual',
    },
    { id: 'route', type: 'gateway.exclusive' },
    { id: 'new', type: 'shell.exec', with: { command: 'echo new' } },
  ],
  edges: [
    { from: 'build', to: 'route' },
    { from: 'route', to: 'new', default: true },
  ],
};

describe('diffDefinitions', () => {
  it('lists settings, nodes and edges that changed, down to the field', () => {
    const diff = diffDefinitions(v1, v2);
    expect(diff.same).toBe(false);
    expect(diff.settings).toEqual([
      { path: 'description', kind: 'added', after: 'Deploys the web tier' },
      { path: 'inputs.env.default', kind: 'changed', before: 'dev', after: 'prod' },
      { path: 'inputs.replicas', kind: 'added', after: { type: 'integer' } },
    ]);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(['new']);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(['old']);
    expect(diff.nodes.changed).toHaveLength(1);
    expect(diff.nodes.changed[0].id).toBe('build');
    expect(diff.nodes.changed[0].changes).toEqual([
      { path: 'onFailure', kind: 'added', after: 'manual' },
      { path: 'retry.maximumAttempts', kind: 'changed', before: 3, after: 5 },
      { path: 'with.url', kind: 'changed', before: 'https://ci/build', after: 'https://ci/build/v2' },
    ]);
    expect(diff.edges.added).toEqual([{ from: 'route', to: 'new', default: true }]);
    expect(diff.edges.removed).toEqual([{ from: 'route', to: 'old', when: "inputs.env == 'dev'" }]);
  });

  it('reports a condition change on the same edge as a change, not a removal', () => {
    const changed = structuredClone(v1);
    changed.edges![1].when = "inputs.env != 'prod'";
    const diff = diffDefinitions(v1, changed);
    expect(diff.edges.changed).toEqual([
      {
        key: 'route → old',
        before: v1.edges![1],
        after: changed.edges![1],
        changes: [{ path: 'when', kind: 'changed', before: "inputs.env == 'dev'", after: "inputs.env != 'prod'" }],
      },
    ]);
  });

  it('says two definitions are the same regardless of key order', () => {
    const reordered = JSON.parse(JSON.stringify(v1, Object.keys(v1).reverse())) as Definition;
    expect(diffDefinitions(v1, { ...reordered, ...v1 }).same).toBe(true);
  });
});

describe('diffValues and jsonEqual', () => {
  it('compares arrays whole and objects by key', () => {
    expect(jsonEqual({ a: [1, 2] }, { a: [1, 2] })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(diffValues({ a: [1] }, { a: [1, 2] })).toEqual([{ path: 'a', kind: 'changed', before: [1], after: [1, 2] }]);
    expect(diffValues({ a: 1 }, {})).toEqual([{ path: 'a', kind: 'removed', before: 1 }]);
  });
});
