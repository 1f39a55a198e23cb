import type { PluginCatalog, PluginDescriptor } from '../../plugins/sdk/plugin';
import { resolveTemplate, toCel } from './expressions';
import { type SecretSite, substituteSecrets } from './secret-references';
import { secretsUsedBy } from './secret-usage';
import type { JsonValue } from './types';
import { validateDefinition } from './validate';

const PLUGINS: PluginDescriptor[] = [
  { type: 'http.request', version: '1.0.0', title: 'HTTP', inputSchema: { type: 'object' } },
  { type: 'shell.exec', version: '1.0.0', title: 'Shell', inputSchema: { type: 'object' } },
];
const catalog: PluginCatalog = {
  find: (type, version) => PLUGINS.find((p) => p.type === type && (version === undefined || p.version === version)),
  list: () => PLUGINS,
};

const scope = { inputs: toCel({ env: 'dev', sneaky: '${secrets.OTHER}' }), vars: {}, nodes: {}, run: {} };

function resolve(value: JsonValue): { input: JsonValue; sites: SecretSite[] } {
  const sites: SecretSite[] = [];
  return { input: resolveTemplate(value, scope, sites), sites };
}

describe('secret references', () => {
  describe('in resolveTemplate', () => {
    it('keeps the placeholder and records where it is', () => {
      const { input, sites } = resolve({
        headers: { authorization: 'Bearer ${ secrets.TOKEN }' },
        url: 'https://x/${inputs.env}/${secrets.PATH_KEY}?again=${secrets.TOKEN}',
        list: ['${secrets.TOKEN}'],
      });
      expect(input).toEqual({
        headers: { authorization: 'Bearer ${secrets.TOKEN}' },
        url: 'https://x/dev/${secrets.PATH_KEY}?again=${secrets.TOKEN}',
        list: ['${secrets.TOKEN}'],
      });
      expect(sites).toEqual([
        { path: ['headers', 'authorization'], offset: 7, name: 'TOKEN' },
        { path: ['url'], offset: 14, name: 'PATH_KEY' },
        { path: ['url'], offset: 40, name: 'TOKEN' },
        { path: ['list', 0], offset: 0, name: 'TOKEN' },
      ]);
    });

    it('records nothing for placeholder text that comes from a value or from $${', () => {
      const { input, sites } = resolve({ a: 'x ${inputs.sneaky}', b: '$${secrets.TOKEN}', c: '${inputs.sneaky}' });
      expect(input).toEqual({ a: 'x ${secrets.OTHER}', b: '${secrets.TOKEN}', c: '${secrets.OTHER}' });
      expect(sites).toEqual([]);
    });
  });

  describe(substituteSecrets.name, () => {
    it('fills in exactly the recorded sites, leaving forged placeholders as text', () => {
      const { input, sites } = resolve({ auth: 'Bearer ${secrets.TOKEN} ${inputs.sneaky}', n: 1 });
      const values = new Map([
        ['TOKEN', 't0k3n'],
        ['OTHER', 'must-not-appear'],
      ]);
      expect(substituteSecrets(input, sites, values)).toEqual({ auth: 'Bearer t0k3n ${secrets.OTHER}', n: 1 });
      expect(input).toEqual({ auth: 'Bearer ${secrets.TOKEN} ${secrets.OTHER}', n: 1 });
    });

    it('refuses sites that do not hold their placeholder, naming the secret only', () => {
      expect(() =>
        substituteSecrets({ a: 'plain text here' }, [{ path: ['a'], offset: 0, name: 'T' }], new Map([['T', 'v4lue']])),
      ).toThrow('secret T');
    });
  });

  describe('in the validator', () => {
    const problems = (nodes: unknown[], extra: Record<string, unknown> = {}) =>
      validateDefinition({ name: 'x', nodes, ...extra }, catalog).problems.map((p) => `${p.path}: ${p.message}`);

    it('accepts whole placeholders in a plugin node', () => {
      expect(
        problems([{ id: 'a', type: 'http.request', with: { h: 'Bearer ${secrets.TOKEN}', u: '${secrets.URL_2}' } }]),
      ).toEqual([]);
    });

    it('rejects secrets inside expressions, bad names, and use outside plugin inputs', () => {
      const found = problems(
        [
          {
            id: 'a',
            type: 'shell.exec',
            with: { command: "${secrets.A + 'x'}", b: '${secrets}', c: '${secrets.lower}' },
          },
          { id: 'b', type: 'vars.set', with: { k: '${secrets.TOKEN}' } },
        ],
        { edges: [{ from: 'a', to: 'b', when: "secrets.A == 'x'" }], outputs: { o: '${secrets.TOKEN}' } },
      );
      expect(found).toEqual(
        expect.arrayContaining([
          "nodes[0].with.command: `secrets.A + 'x'` reads secrets: a secret can only be a whole placeholder like ${secrets.NAME}, never part of an expression",
          'nodes[0].with.b: `secrets` reads secrets: a secret can only be a whole placeholder like ${secrets.NAME}, never part of an expression',
          'nodes[0].with.c: secrets.lower: a secret name is upper case letters, digits and _, starting with a letter',
          'nodes[1].with.k: secrets.TOKEN: secrets can only be used in the with of a plugin node (their values never enter the workflow)',
          "edges[0].when: `secrets.A == 'x'` reads secrets: conditions cannot (their values never enter the workflow)",
          'outputs.o: secrets.TOKEN: secrets can only be used in the with of a plugin node (their values never enter the workflow)',
        ]),
      );
      expect(found).toHaveLength(6);
    });
  });

  it('secretsUsedBy lists the names a definition references', () => {
    expect(
      secretsUsedBy({
        nodes: [
          { id: 'a', type: 'http.request', with: { h: '${secrets.B} ${secrets.A}', x: ['${secrets.B}'] } },
          { id: 'b', type: 'shell.exec', with: { command: '$${secrets.C} ${inputs.x}' } },
        ],
      }),
    ).toEqual(['A', 'B']);
  });
});
