/**
 * GraphQL over fetch: one POST per operation to `/graphql`, the session's token as a bearer token.
 * Errors come back as {@link ApiError} with the server's `extensions.code` and, for invalid
 * input, every problem with its path.
 */

export const GRAPHQL_PATH = '/graphql';

/** One problem the server found in an input (`nodes[3].with.url: must be a URL`). */
export interface Problem {
  path: string;
  message: string;
}

/** A failed GraphQL operation: what the server said, with its code. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string; problems?: Problem[] };
}

type TokenSource = () => string | null;
type UnauthenticatedListener = () => void;

let tokenSource: TokenSource = () => null;
let onUnauthenticated: UnauthenticatedListener = () => undefined;

/** Wires the client to the session: where the token comes from, what to do when it is refused. */
export function configureClient(source: TokenSource, unauthenticated: UnauthenticatedListener): void {
  tokenSource = source;
  onUnauthenticated = unauthenticated;
}

export function currentToken(): string | null {
  return tokenSource();
}

function toApiError(errors: GraphQLErrorShape[]): ApiError {
  const [first] = errors;
  const code = first.extensions?.code ?? 'ERROR';
  const problems = errors.flatMap((error) => error.extensions?.problems ?? []);
  return new ApiError(first.message, code, problems);
}

/**
 * Runs one GraphQL operation and returns its data, or throws an {@link ApiError}.
 *
 * @example const { projects } = await gql<{ projects: Project[] }>('{ projects { id name } }');
 */
export async function gql<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const token = tokenSource();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError('The server cannot be reached. Check your connection and try again.', 'NETWORK_ERROR');
  }
  let body: { data?: T | null; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`The server answered ${response.status} without a GraphQL response.`, 'BAD_RESPONSE');
  }
  if (body.errors?.length) {
    const error = toApiError(body.errors);
    if (error.code === 'UNAUTHENTICATED') onUnauthenticated();
    throw error;
  }
  if (!body.data) throw new ApiError('The server sent no data.', 'BAD_RESPONSE');
  return body.data;
}

/** A readable one-line message for any error thrown by the client or by code around it. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.problems.length) {
      return `${error.message}: ${error.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
