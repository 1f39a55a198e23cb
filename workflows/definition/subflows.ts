/**
 * Resolution of `subflow` nodes into the execution plan: every child template version is looked up
 * (through a caller-supplied lookup, since that needs the database), compiled, and resolved in turn,
 * so the interpreter receives the whole tree in its input. A template that would include itself,
 * directly or through others, is refused with the path of the node that starts the cycle.
 */
import type { ExecutionPlan, SubflowPlan } from '../contract';
import type { Problem } from './problems';
import type { Definition } from './types';

/** How deep subflows may nest (a run, its children, their children...). */
export const MAX_SUBFLOW_DEPTH = 10;
/** How many subflow nodes one run's tree may hold in all. */
export const MAX_SUBFLOW_NODES = 500;

/** One `subflow` node of a definition, as written. */
export interface SubflowReference {
  nodeId: string;
  /** Where the template is named: `nodes[2].with.template`. */
  path: string;
  template: string;
  version: number | 'latest';
}

/** A template version a reference resolved to. */
export interface ResolvedSubflow {
  templateId: string;
  templateName: string;
  version: number;
  definition: Definition;
}

/** The references could not all be resolved; each problem has the path of a top-level node. */
export class SubflowResolutionError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map((problem) => `${problem.path}: ${problem.message}`).join('; '));
    this.name = 'SubflowResolutionError';
  }
}

/** The `subflow` nodes of a definition, in order. */
export function subflowReferences(definition: Definition): SubflowReference[] {
  const references: SubflowReference[] = [];
  definition.nodes.forEach((node, index) => {
    if (node.type !== 'subflow') return;
    const given = node.with ?? {};
    const version = typeof given.version === 'number' ? given.version : 'latest';
    references.push({
      nodeId: node.id,
      path: `nodes[${index}].with.template`,
      template: typeof given.template === 'string' ? given.template : '',
      version,
    });
  });
  return references;
}

/** Who is being resolved: the root template (when it has an identity yet) and its definition. */
export interface SubflowRoot {
  templateId?: string;
  templateName: string;
  definition: Definition;
}

/**
 * Resolves every subflow of `root.definition`, recursively, into `plan.subflows`.
 *
 * @param lookup finds a reference's template version (`from`: the templateId of the definition that
 *   holds the reference, the root's own when it has none yet); throws an Error whose message is the problem.
 * @param compile the plan of one definition (activities), without subflows.
 * @throws {SubflowResolutionError} unknown templates, cycles, a tree too deep or too large.
 * @example
 * const plan = await resolveSubflowPlans({ templateId, templateName, definition }, lookup, (d) => compilePlan(d, catalog));
 * plan.subflows?.restart.version === 3
 */
export async function resolveSubflowPlans(
  root: SubflowRoot,
  lookup: (reference: SubflowReference, from: string) => Promise<ResolvedSubflow>,
  compile: (definition: Definition) => ExecutionPlan,
): Promise<ExecutionPlan> {
  const problems: Problem[] = [];
  let count = 0;
  const rootKey = root.templateId ?? `name:${root.templateName}`;

  const resolve = async (
    definition: Definition,
    chain: Array<{ key: string; name: string }>,
    topPath: string | undefined,
  ): Promise<ExecutionPlan> => {
    const plan = compile(definition);
    const references = subflowReferences(definition);
    if (references.length === 0) return plan;
    const subflows: Record<string, SubflowPlan> = {};
    for (const reference of references) {
      const path = topPath ?? reference.path;
      const where = topPath ? ` (in ${chain.map((link) => link.name).join(' -> ')}, node ${reference.nodeId})` : '';
      if (++count > MAX_SUBFLOW_NODES) {
        problems.push({ path, message: `more than ${MAX_SUBFLOW_NODES} subflow nodes in one run` });
        return plan;
      }
      let found: ResolvedSubflow;
      try {
        found = await lookup(reference, chain[chain.length - 1].key);
      } catch (error) {
        problems.push({ path, message: `${error instanceof Error ? error.message : String(error)}${where}` });
        continue;
      }
      const names = [...chain.map((link) => link.name), found.templateName];
      const key = found.templateId;
      if (key === rootKey || found.templateName === root.templateName || chain.some((link) => link.key === key)) {
        problems.push({ path, message: `subflow cycle: ${names.join(' -> ')}: a template may not include itself` });
        continue;
      }
      if (chain.length >= MAX_SUBFLOW_DEPTH) {
        problems.push({ path, message: `subflows nest deeper than ${MAX_SUBFLOW_DEPTH}: ${names.join(' -> ')}` });
        continue;
      }
      let childPlan: ExecutionPlan;
      try {
        childPlan = await resolve(found.definition, [...chain, { key, name: found.templateName }], path);
      } catch (error) {
        problems.push({
          path,
          message: `${found.templateName} v${found.version} cannot run: ${error instanceof Error ? error.message : String(error)}`,
        });
        continue;
      }
      subflows[reference.nodeId] = {
        templateId: found.templateId,
        templateName: found.templateName,
        version: found.version,
        plan: childPlan,
      };
    }
    return { ...plan, subflows };
  };

  const plan = await resolve(root.definition, [{ key: rootKey, name: root.templateName }], undefined);
  if (problems.length > 0) throw new SubflowResolutionError(problems);
  return plan;
}
