import type { PluginDescriptor } from '../../plugins/sdk';

/** The mutation a remote plugin worker calls at start (see `PluginsCatalogResolver.registerPlugins`). */
export const REGISTER_PLUGINS_MUTATION = `mutation RegisterPlugins($taskQueue: String!, $plugins: [PluginDescriptorInput!]!) {
  registerPlugins(taskQueue: $taskQueue, plugins: $plugins) { type version taskQueue }
}`;

export interface RegistrationTarget {
  /** The API's base URL (`SWITCHYARD_API_URL`), e.g. `http://switchyard:3000`. */
  apiUrl: string;
  /** An API token (`SWITCHYARD_API_TOKEN`): an OWNER token a global admin created, or an admin's login token. */
  token: string;
}

/** Why registration failed; `retryable` when the API could not be reached or answered 5xx. */
export class RegistrationError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'RegistrationError';
  }
}

/** The descriptor fields the mutation takes (the task queue is the worker's, given separately). */
export function descriptorInput(descriptor: PluginDescriptor): Record<string, unknown> {
  const input: Record<string, unknown> = {
    type: descriptor.type,
    version: descriptor.version,
    title: descriptor.title,
    description: descriptor.description,
    inputSchema: descriptor.inputSchema,
    outputSchema: descriptor.outputSchema,
    defaults: descriptor.defaults,
    examples: descriptor.examples,
    deprecated: descriptor.deprecated,
    poll: descriptor.poll,
  };
  for (const key of Object.keys(input)) if (input[key] === undefined) delete input[key];
  return input;
}

/**
 * Registers `plugins` as served on `taskQueue` through the API's `registerPlugins` mutation.
 *
 * @throws {RegistrationError} naming the API's problems (with their paths) or why it was unreachable.
 */
export async function registerPlugins(
  target: RegistrationTarget,
  taskQueue: string,
  plugins: readonly PluginDescriptor[],
): Promise<Array<{ type: string; version: string; taskQueue: string }>> {
  const url = `${target.apiUrl.replace(/\/+$/, '')}/graphql`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({
        query: REGISTER_PLUGINS_MUTATION,
        variables: { taskQueue, plugins: plugins.map(descriptorInput) },
      }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new RegistrationError(`cannot reach ${url}: ${(err as Error).message}`, true);
  }
  const text = await response.text();
  let body: {
    data?: { registerPlugins?: Array<{ type: string; version: string; taskQueue: string }> } | null;
    errors?: Array<{
      message: string;
      extensions?: { code?: string; problems?: Array<{ path: string; message: string }> };
    }>;
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new RegistrationError(`${url} answered HTTP ${response.status}, not GraphQL`, response.status >= 500);
  }
  const error = body.errors?.[0];
  if (error) {
    const problems = error.extensions?.problems?.map((problem) => `${problem.path}: ${problem.message}`) ?? [];
    const detail = problems.length > 0 ? `\n  ${problems.join('\n  ')}` : '';
    throw new RegistrationError(`${error.extensions?.code ?? 'ERROR'}: ${error.message}${detail}`, false);
  }
  if (!body.data?.registerPlugins)
    throw new RegistrationError(`${url} answered no registration`, response.status >= 500);
  return body.data.registerPlugins;
}
