import { collectExpressions, splitTemplate } from './expressions';
import { secretReferenceName } from './secret-references';
import type { Definition } from './types';

/**
 * The names of the secrets a definition's nodes reference (`${secrets.NAME}` in their `with`),
 * sorted; so the API can refuse a run whose project lacks one before it starts.
 *
 * @example secretsUsedBy(definition) // ['DEPLOY_KEY', 'TOKEN']
 */
export function secretsUsedBy(definition: Pick<Definition, 'nodes'>): string[] {
  const names = new Set<string>();
  for (const node of definition.nodes) {
    for (const { source } of collectExpressions(node.with)) {
      let parts: ReturnType<typeof splitTemplate>;
      try {
        parts = splitTemplate(source);
      } catch {
        continue; // the validator reports it
      }
      for (const part of parts) {
        const name = 'expr' in part ? secretReferenceName(part.expr) : undefined;
        if (name !== undefined) names.add(name);
      }
    }
  }
  return [...names].sort();
}
