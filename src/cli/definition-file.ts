import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { PluginCatalog } from '../../plugins/sdk';
import { parseDefinitionText } from '../../workflows/definition/parse';
import type { Problem } from '../../workflows/definition/problems';
import type { Definition } from '../../workflows/definition/types';
import { validateDefinition } from '../../workflows/definition/validate';

export interface LoadedDefinition {
  definition?: Definition;
  problems: Problem[];
  warnings: Problem[];
}

/**
 * Reads, parses and validates a definition file. `.json` files are strict JSON, anything else
 * YAML (a superset of JSON). An unreadable file is one problem whose path is the file name.
 */
export async function loadDefinitionFile(file: string, catalog: PluginCatalog): Promise<LoadedDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(err);
    return { problems: [{ path: file, message: `cannot read: ${reason}` }], warnings: [] };
  }
  const parsed = parseDefinitionText(text, extname(file).toLowerCase() === '.json' ? 'json' : 'auto');
  if (parsed.problems.length > 0) return { problems: parsed.problems, warnings: [] };
  return validateDefinition(parsed.value, catalog);
}
