import { describe, expect, it } from 'vitest';
import type { Definition } from '../lib/definition';
import { definitionToYaml, yamlToDefinition } from './YamlView';

describe('YAML view', () => {
  it('round-trips a definition, expressions included', () => {
    const definition: Definition = {
      name: 'deploy',
      nodes: [{ id: 'dev', type: 'shell.exec', with: { command: 'echo ${nodes.build.output.body.artifact}' } }],
      edges: [{ from: 'dev', to: 'dev', when: "inputs.env == 'prod'" }],
    };
    expect(yamlToDefinition(definitionToYaml(definition)).definition).toEqual(definition);
  });

  it('reports a syntax error with its line', () => {
    expect(yamlToDefinition('name: x\nnodes:\n  - id: a\n   type: b').error).toMatch(/^Line \d+, column \d+/);
    expect(yamlToDefinition('name: x').error).toBe('A definition needs a list of nodes');
  });
});
