import type { ExecutionPlan } from '../contract';
import { resolveSubflowPlans, SubflowResolutionError, subflowReferences, type ResolvedSubflow } from './subflows';
import type { Definition, JsonObject } from './types';

const compile = (definition: Definition): ExecutionPlan => ({ definition, activities: {} });

/** Templates by name, each with versions by number (the last is the latest). */
function store(templates: Record<string, Definition[]>) {
  const lookups: string[] = [];
  const lookup = async (reference: { template: string; version: number | 'latest' }): Promise<ResolvedSubflow> => {
    lookups.push(`${reference.template}@${reference.version}`);
    const versions = templates[reference.template];
    if (!versions) throw new Error(`no template ${JSON.stringify(reference.template)} in this project`);
    const version = reference.version === 'latest' ? versions.length : reference.version;
    const definition = versions[version - 1];
    if (!definition) throw new Error(`template "${reference.template}" has no version ${version}`);
    return { templateId: `id-${reference.template}`, templateName: reference.template, version, definition };
  };
  return { lookup, lookups };
}

function subflowWith(target: string | [string, number]): JsonObject {
  return Array.isArray(target) ? { template: target[0], version: target[1] } : { template: target };
}

const calls = (name: string, ...targets: Array<string | [string, number]>): Definition => ({
  name,
  nodes: [
    { id: 'first', type: 'builtin.noop' },
    ...targets.map((target, index) => ({
      id: `sub_${index}`,
      type: 'subflow',
      with: subflowWith(target),
    })),
  ],
});

describe(resolveSubflowPlans.name, () => {
  it('lists the subflow nodes with the path of their template', () => {
    expect(subflowReferences(calls('a', 'b', ['c', 2]))).toEqual([
      { nodeId: 'sub_0', path: 'nodes[1].with.template', template: 'b', version: 'latest' },
      { nodeId: 'sub_1', path: 'nodes[2].with.template', template: 'c', version: 2 },
    ]);
  });

  it('resolves a tree three deep, pinning latest to a number', async () => {
    const { lookup } = store({ b: [calls('b', 'c')], c: [calls('c'), calls('c')] });
    const plan = await resolveSubflowPlans(
      { templateId: 'id-a', templateName: 'a', definition: calls('a', 'b') },
      lookup,
      compile,
    );
    expect(plan.subflows?.sub_0).toMatchObject({ templateId: 'id-b', templateName: 'b', version: 1 });
    expect(plan.subflows?.sub_0.plan.subflows?.sub_0).toMatchObject({ templateName: 'c', version: 2 });
    expect(plan.subflows?.sub_0.plan.subflows?.sub_0.plan.subflows).toBeUndefined();
  });

  it('leaves plans without subflows as they were (no subflows key)', async () => {
    const { lookup, lookups } = store({});
    const plan = await resolveSubflowPlans({ templateName: 'a', definition: calls('a') }, lookup, compile);
    expect(plan).toEqual({ definition: calls('a'), activities: {} });
    expect(lookups).toEqual([]);
  });

  it('refuses a template that includes itself directly', async () => {
    const { lookup } = store({ a: [calls('a', 'a')] });
    await expect(
      resolveSubflowPlans({ templateId: 'id-a', templateName: 'a', definition: calls('a', 'a') }, lookup, compile),
    ).rejects.toMatchObject({
      problems: [
        { path: 'nodes[1].with.template', message: 'subflow cycle: a -> a: a template may not include itself' },
      ],
    });
  });

  it('refuses a cycle through others, at the path of the top-level node that leads into it', async () => {
    const { lookup } = store({ b: [calls('b', 'c')], c: [calls('c', 'a')], a: [calls('a')] });
    const error = await resolveSubflowPlans(
      { templateId: 'id-a', templateName: 'a', definition: calls('a', 'x_ok', 'b') },
      lookup,
      compile,
    ).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(SubflowResolutionError);
    expect((error as SubflowResolutionError).problems).toEqual([
      { path: 'nodes[1].with.template', message: 'no template "x_ok" in this project' },
      { path: 'nodes[2].with.template', message: 'subflow cycle: a -> b -> c -> a: a template may not include itself' },
    ]);
  });

  it('refuses a cycle that does not pass through the root (b -> c -> b)', async () => {
    const { lookup } = store({ b: [calls('b', 'c')], c: [calls('c', 'b')] });
    await expect(
      resolveSubflowPlans({ templateName: 'a', definition: calls('a', 'b') }, lookup, compile),
    ).rejects.toMatchObject({
      problems: [
        { path: 'nodes[1].with.template', message: expect.stringContaining('subflow cycle: a -> b -> c -> b') },
      ],
    });
  });

  it('names a missing pinned version, with where it was asked for', async () => {
    const { lookup } = store({ b: [calls('b', ['c', 5])], c: [calls('c')] });
    await expect(
      resolveSubflowPlans({ templateName: 'a', definition: calls('a', 'b') }, lookup, compile),
    ).rejects.toMatchObject({
      problems: [{ path: 'nodes[1].with.template', message: 'template "c" has no version 5 (in a -> b, node sub_0)' }],
    });
  });
});
