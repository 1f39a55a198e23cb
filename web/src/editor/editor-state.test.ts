import { describe, expect, it } from 'vitest';
import type { Definition } from '../lib/definition';
import { editorReducer, initialEditorState } from './editor-state';

const start: Definition = { name: 't', nodes: [{ id: 'build', type: 'http.request' }], edges: [] };

describe('editorReducer', () => {
  it('adds a node after the selected one, connected and selected', () => {
    let state = initialEditorState(start);
    state = editorReducer(state, { type: 'addNode', nodeType: 'gateway.parallel', after: 'build' });
    expect(state.definition.nodes.map((n) => n.id)).toEqual(['build', 'parallel']);
    expect(state.definition.edges).toEqual([{ from: 'build', to: 'parallel' }]);
    expect(state.selection).toEqual({ kind: 'node', id: 'parallel' });
    expect(state.positions.get('parallel')!.x).toBeGreaterThan(state.positions.get('build')!.x);
    expect(state.dirty).toBe(true);
  });

  it('connects once, never to itself', () => {
    let state = initialEditorState({ ...start, nodes: [...start.nodes, { id: 'b', type: 'shell.exec' }] });
    state = editorReducer(state, { type: 'connect', from: 'build', to: 'b' });
    state = editorReducer(state, { type: 'connect', from: 'build', to: 'b' });
    state = editorReducer(state, { type: 'connect', from: 'b', to: 'b' });
    expect(state.definition.edges).toEqual([{ from: 'build', to: 'b' }]);
  });

  it('renames a node with its edges, position and selection', () => {
    let state = initialEditorState(start);
    state = editorReducer(state, { type: 'addNode', nodeType: 'shell.exec', after: 'build' });
    state = editorReducer(state, { type: 'renameNode', from: 'shell_exec', to: 'deploy' });
    expect(state.definition.edges).toEqual([{ from: 'build', to: 'deploy' }]);
    expect(state.positions.has('deploy')).toBe(true);
    expect(state.positions.has('shell_exec')).toBe(false);
    expect(state.selection).toEqual({ kind: 'node', id: 'deploy' });
  });

  it('undoes and redoes definition changes', () => {
    let state = initialEditorState(start);
    state = editorReducer(state, { type: 'addNode', nodeType: 'shell.exec', after: 'build' });
    state = editorReducer(state, { type: 'deleteNodes', ids: ['build'] });
    expect(state.definition.nodes.map((n) => n.id)).toEqual(['shell_exec']);
    state = editorReducer(state, { type: 'undo' });
    expect(state.definition.nodes.map((n) => n.id)).toEqual(['build', 'shell_exec']);
    expect(state.positions.has('build')).toBe(true);
    state = editorReducer(state, { type: 'undo' });
    expect(state.definition).toEqual(start);
    state = editorReducer(state, { type: 'redo' });
    expect(state.definition.nodes).toHaveLength(2);
  });

  it('lays out a replaced definition with many new nodes', () => {
    let state = initialEditorState(start);
    const big: Definition = {
      name: 't',
      nodes: Array.from({ length: 5 }, (_, i) => ({ id: `n${i}`, type: 'builtin.noop' })),
      edges: [{ from: 'n0', to: 'n1' }],
    };
    state = editorReducer(state, { type: 'replace', definition: big });
    expect([...state.positions.keys()].sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(state.fitKey).toBe(2);
  });
});
