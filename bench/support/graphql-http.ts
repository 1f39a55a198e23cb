import { Agent, request } from 'node:http';

/** What a GraphQL POST answers, read loosely (callers ask for known shapes). */
export type GraphQLAnswer = { data?: any; errors?: any[] };

/**
 * A lean GraphQL client for latency benchmarks: POST /graphql with node:http over one kept-alive
 * connection, the answer parsed. `fetch` (undici) spends about 2 ms of CPU per request in the
 * benchmark's own process, time a bench would count against the API while the bare SQL it is
 * compared with goes through the lean pg client.
 */
export function leanGraphqlClient(
  baseUrl: string,
): (query: string, variables?: Record<string, unknown>, token?: string) => Promise<GraphQLAnswer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL('/graphql', baseUrl);
  return (query, variables, token) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ query, variables });
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      if (token) headers.authorization = `Bearer ${token}`;
      const req = request(url, { method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphQLAnswer);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}
