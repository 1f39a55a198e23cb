import { describe, expect, it } from 'vitest';
import {
  asDefinition,
  indexProblems,
  inReadingOrder,
  newNodeId,
  problemTarget,
  prune,
  removeNode,
  renameNode,
  type Definition,
} from './definition';

const definition: Definition = {
  name: 'deploy',
  nodes: [
    { id: 'build', type: 'http.request', with: { url: 'https://ci' } },
    { id: 'route', type: 'gateway.exclusive' },
    { id: 'prod', type: 'shell.exec' },
  ],
  edges: [
    { from: 'build', to: 'route' },
    { from: 'route', to: 'prod', when: "inputs.env == 'prod'" },
  ],
};

describe('problemTarget', () => {
  it('maps node paths to the node id and the field inside it', () => {
    expect(problemTarget(definition, 'nodes[0].with.url')).toEqual({
      kind: 'node',
      nodeId: 'build',
      field: 'with.url',
    });
    expect(problemTarget(definition, 'nodes[2]')).toEqual({ kind: 'node', nodeId: 'prod', field: '' });
  });

  it('maps edge paths to the edge index', () => {
    expect(problemTarget(definition, 'edges[1].when')).toEqual({ kind: 'edge', index: 1, field: 'when' });
  });

  it('keeps everything else, and out-of-range indexes, on the definition', () => {
    expect(problemTarget(definition, 'inputs.env.default')).toEqual({
      kind: 'definition',
      field: 'inputs.env.default',
    });
    expect(problemTarget(definition, 'nodes[9].id')).toEqual({ kind: 'definition', field: 'nodes[9].id' });
    expect(problemTarget(definition, 'line 3, column 2')).toEqual({ kind: 'definition', field: 'line 3, column 2' });
  });
});

describe('indexProblems', () => {
  it('groups problems by node, edge and the rest', () => {
    const index = indexProblems(definition, [
      { path: 'nodes[0].with.url', message: 'bad url' },
      { path: 'nodes[0].timeout.startToClose', message: 'bad duration' },
      { path: 'edges[1].when', message: 'does not parse' },
      { path: 'name', message: 'required' },
    ]);
    expect(index.all).toHaveLength(4);
    expect(index.byNode.get('build')?.map((p) => p.message)).toEqual(['bad url', 'bad duration']);
    expect(index.byEdge.get(1)?.[0].message).toBe('does not parse');
    expect(index.general.map((p) => p.path)).toEqual(['name']);
  });
});

describe('newNodeId', () => {
  it('derives an id from the type and avoids taken ones', () => {
    expect(newNodeId('http.request', new Set())).toBe('http_request');
    expect(newNodeId('http.request', new Set(['http_request', 'http_request_2']))).toBe('http_request_3');
    expect(newNodeId('gateway.exclusive', new Set())).toBe('exclusive');
    expect(newNodeId('9lives', new Set())).toBe('node_9lives');
  });
});

describe('renameNode and removeNode', () => {
  it('renames a node and the edges that name it', () => {
    const renamed = renameNode(definition, 'route', 'choose');
    expect(renamed.nodes.map((n) => n.id)).toEqual(['build', 'choose', 'prod']);
    expect(renamed.edges).toEqual([
      { from: 'build', to: 'choose' },
      { from: 'choose', to: 'prod', when: "inputs.env == 'prod'" },
    ]);
  });

  it('removes a node with its edges', () => {
    const removed = removeNode(definition, 'route');
    expect(removed.nodes.map((n) => n.id)).toEqual(['build', 'prod']);
    expect(removed.edges).toEqual([]);
  });
});

describe('prune', () => {
  it('drops undefined members and empty node settings, keeps empty objects inside with', () => {
    const pruned = prune({
      name: 'x',
      description: undefined,
      inputs: {},
      nodes: [
        {
          id: 'a',
          type: 'http.request',
          with: { headers: {}, url: undefined } as never,
          retry: {},
          timeout: undefined,
        },
      ],
      edges: [],
    });
    expect(pruned).toEqual({ name: 'x', nodes: [{ id: 'a', type: 'http.request', with: { headers: {} } }], edges: [] });
  });
});

describe('asDefinition', () => {
  it('accepts a definition and names what is missing otherwise', () => {
    expect(asDefinition({ name: 'a', nodes: [] }).nodes).toEqual([]);
    expect(() => asDefinition([])).toThrow('mapping');
    expect(() => asDefinition({ name: 'a' })).toThrow('list of nodes');
    expect(() => asDefinition({ nodes: [{ id: 'a' }] })).toThrow('nodes[0] needs an id and a type');
    expect(() => asDefinition({ nodes: [], edges: [{ from: 'a' }] })).toThrow('edges[0] needs from and to');
  });
});

describe('inReadingOrder', () => {
  it('orders keys as PRODUCT.md writes them, unknown keys last', () => {
    const stored = {
      edges: [{ to: 'b', from: 'a', when: 'true' }],
      name: 'x',
      nodes: [{ with: { z: 1, a: 2 }, type: 'builtin.noop', id: 'a', extra: 1 }],
      inputs: { env: { default: 'dev', type: 'string' } },
    } as unknown as Definition;
    const ordered = inReadingOrder(stored);
    expect(Object.keys(ordered)).toEqual(['name', 'inputs', 'nodes', 'edges']);
    expect(Object.keys(ordered.nodes[0])).toEqual(['id', 'type', 'with', 'extra']);
    expect(Object.keys(ordered.nodes[0].with!)).toEqual(['z', 'a']);
    expect(Object.keys(ordered.edges![0])).toEqual(['from', 'to', 'when']);
    expect(Object.keys(ordered.inputs!.env)).toEqual(['type', 'default']);
  });
});
