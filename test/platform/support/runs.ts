import { createClient, type Client as WsClient } from 'graphql-ws';
import { createRequire } from 'node:module';
import type { TestApp } from './app';

/** The `ws` WebSocket class for graphql-ws in Node (the package ships no types). */
const WebSocket: unknown = createRequire(__filename)('ws');

/** The fields the run specs read of a run. */
export const RUN_FIELDS = `
  id projectId templateId templateName version status inputs outputs startedBy requestId
  error { type message } paused { by at } createdAt startedAt endedAt updatedAt
  temporalWorkflowId temporalRunId temporalUiUrl
  nodes { nodeId type name status attempts executions startedAt endedAt input output error { type message } skipReason waitingFor }
`;

export interface RunView {
  id: string;
  status: string;
  nodes: Array<{
    nodeId: string;
    status: string;
    attempts: number;
    executions: number;
    input: any;
    output: any;
    error: { type: string; message: string } | null;
    waitingFor: string | null;
    [key: string]: any;
  }>;
  [key: string]: any;
}

/** `{ nodeId: status }` of a run, for terse assertions. */
export function nodeStatuses(run: Pick<RunView, 'nodes'>): Record<string, string> {
  return Object.fromEntries(run.nodes.map((node) => [node.nodeId, node.status]));
}

/** Creates a template through the API and returns its id. */
export async function createTemplate(
  api: TestApp,
  token: string,
  projectId: string,
  definition: object,
): Promise<string> {
  const created = await api.gql<{ createTemplate: { id: string } }>(
    'mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }',
    { input: { projectId, definition } },
    token,
  );
  if (!created.data?.createTemplate) throw new Error(`createTemplate: ${JSON.stringify(created.errors)}`);
  return created.data.createTemplate.id;
}

/** How `waitForRun` polls: for how long, how often, and which fields it reads (`RUN_FIELDS`). */
export interface WaitForRunOptions {
  timeoutMs?: number;
  intervalMs?: number;
  fields?: string;
}

/** Polls `run(id)` until `predicate` holds; returns the run and when it first held. A number is the timeout. */
export async function waitForRun(
  api: TestApp,
  token: string,
  id: string,
  predicate: (run: RunView) => boolean,
  options: number | WaitForRunOptions = {},
): Promise<RunView> {
  const {
    timeoutMs = 30_000,
    intervalMs = 50,
    fields = RUN_FIELDS,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const result = await api.gql<{ run: RunView }>(`query($id: ID!) { run(id: $id) { ${fields} } }`, { id }, token);
    last = result.data?.run ?? result.errors;
    if (result.data?.run && predicate(result.data.run)) return result.data.run;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`run ${id} never matched; last: ${JSON.stringify(last)}`);
}

/** A `runUpdated` subscription over a real graphql-ws client. */
export interface RunWatch {
  events: RunView[];
  errors: unknown[];
  /** Resolves with the first event (already received or to come) that matches. */
  waitFor(predicate: (run: RunView) => boolean, timeoutMs?: number): Promise<RunView>;
  /** Resolves when the subscription ended with an error or completed. */
  ended: Promise<void>;
  close(): Promise<void>;
}

export function wsClient(api: TestApp, token?: string): WsClient {
  return createClient({
    url: `${api.baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}

export function watchRun(api: TestApp, token: string, runId: string): RunWatch {
  const client = wsClient(api, token);
  const events: RunView[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const unsubscribe = client.subscribe<{ runUpdated: RunView }>(
    { query: `subscription($id: ID!) { runUpdated(runId: $id) { ${RUN_FIELDS} } }`, variables: { id: runId } },
    {
      next: (message) => {
        if (message.errors) errors.push(...message.errors);
        if (message.data?.runUpdated) events.push(message.data.runUpdated);
        for (const wake of [...waiters]) wake();
      },
      error: (error) => {
        errors.push(error);
        end();
        for (const wake of [...waiters]) wake();
      },
      complete: () => {
        end();
        for (const wake of [...waiters]) wake();
      },
    },
  );
  return {
    events,
    errors,
    ended,
    waitFor: (predicate, timeoutMs = 30_000) =>
      new Promise<RunView>((resolve, reject) => {
        const check = () => {
          const found = events.find(predicate);
          if (found) {
            finish();
            resolve(found);
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(
            new Error(
              `no runUpdated event matched in ${timeoutMs} ms; got ${events.map((e) => `${e.status}:${JSON.stringify(nodeStatuses(e))}`).join(' | ')}; errors ${JSON.stringify(errors)}`,
            ),
          );
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: async () => {
      unsubscribe();
      await client.dispose();
    },
  };
}
