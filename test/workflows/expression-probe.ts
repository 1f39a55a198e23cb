/** A probe workflow: evaluates expressions inside the workflow sandbox, to compare with Node. */
import { resolveTemplate, toCel } from '../../workflows/definition/expressions';
import type { JsonValue } from '../../workflows/definition/types';

export async function expressionProbe(templates: JsonValue[], scope: Record<string, JsonValue>): Promise<JsonValue[]> {
  const celScope = toCel(scope) as Record<string, unknown>;
  return templates.map((template) => {
    try {
      return resolveTemplate(template, celScope);
    } catch (err) {
      return { error: (err as Error).message };
    }
  });
}
