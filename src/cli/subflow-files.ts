/**
 * `switchyard run FILE` resolves subflow nodes locally: `template: ./child.yaml` names a definition
 * file relative to the file that holds the node. Names of stored templates need the platform.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { PluginCatalog } from '../../plugins/sdk';
import type { ExecutionPlan } from '../../workflows/contract';
import { compilePlan } from '../../workflows/definition/compile';
import { resolveSubflowPlans, type ResolvedSubflow, type SubflowReference } from '../../workflows/definition/subflows';
import type { Definition } from '../../workflows/definition/types';
import { loadDefinitionFile } from './definition-file';

/** A `template` that reads as a file path rather than a template name or id. */
function isFilePath(template: string): boolean {
  return (
    template.startsWith('./') || template.startsWith('../') || isAbsolute(template) || /\.(ya?ml|json)$/i.test(template)
  );
}

/**
 * The plan of the definition in `file` with its subflows read from their files, recursively.
 *
 * @throws {SubflowResolutionError} a subflow naming a stored template, a pinned version, a file that
 *   does not load or validate, or a cycle of files; each problem with the path of its node.
 */
export async function planWithSubflowFiles(
  file: string,
  definition: Definition,
  catalog: PluginCatalog,
): Promise<ExecutionPlan> {
  const lookup = async (reference: SubflowReference, from: string): Promise<ResolvedSubflow> => {
    if (!isFilePath(reference.template)) {
      throw new Error(
        `template ${JSON.stringify(reference.template)} is a stored template: subflows by name run on the platform ` +
          '(switchyard start); switchyard run takes a definition file path like ./child.yaml',
      );
    }
    if (reference.version !== 'latest') throw new Error('a definition file has no versions: leave version out');
    const path = resolve(dirname(from), reference.template);
    const loaded = await loadDefinitionFile(path, catalog);
    if (!loaded.definition) {
      const first = loaded.problems[0];
      throw new Error(
        `${reference.template} is not a valid definition: ${first ? `${first.path}: ${first.message}` : 'unknown problem'}`,
      );
    }
    return { templateId: path, templateName: loaded.definition.name, version: 1, definition: loaded.definition };
  };
  return resolveSubflowPlans(
    { templateId: resolve(file), templateName: definition.name, definition },
    lookup,
    (child) => compilePlan(child, catalog),
  );
}
