import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One job of the {@link JobServer}: done after `steps` status reads, unless cancelled. */
export interface ServerJob {
  id: string;
  name: string;
  steps: number;
  checks: number;
  cancelled: boolean;
}

/**
 * A real HTTP job server for polling plugins: `POST /jobs {name, steps}` starts a job, `GET /jobs/:id`
 * reports `running` until it was read `steps` times (then `succeeded` with a result), `DELETE /jobs/:id`
 * cancels it. Every request is logged, for assertions.
 */
export interface JobServer {
  url: string;
  jobs: Map<string, ServerJob>;
  requests: string[];
  /** The job started with this name. */
  byName(name: string): ServerJob | undefined;
  close(): Promise<void>;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function startJobServer(): Promise<JobServer> {
  const jobs = new Map<string, ServerJob>();
  const requests: string[] = [];
  let next = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      requests.push(`${req.method} ${req.url}`);
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      };
      const match = /^\/jobs(?:\/([\w-]+))?$/.exec(req.url ?? '');
      if (!match) return reply(404, { error: 'no such route' });
      if (req.method === 'POST' && !match[1]) {
        const input = await body(req);
        next += 1;
        const job: ServerJob = {
          id: `job-${next}`,
          name: String(input.name),
          steps: Number(input.steps ?? 1),
          checks: 0,
          cancelled: false,
        };
        jobs.set(job.id, job);
        return reply(201, { id: job.id, status: 'running' });
      }
      const job = match[1] ? jobs.get(match[1]) : undefined;
      if (!job) return reply(404, { error: 'no such job' });
      if (req.method === 'DELETE') {
        job.cancelled = true;
        return reply(200, { id: job.id, status: 'cancelled' });
      }
      if (req.method === 'GET') {
        if (job.cancelled) return reply(200, { id: job.id, status: 'cancelled' });
        job.checks += 1;
        if (job.checks < job.steps) return reply(200, { id: job.id, status: 'running' });
        return reply(200, { id: job.id, status: 'succeeded', result: { name: job.name, checks: job.checks } });
      }
      return reply(405, { error: 'method not allowed' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    jobs,
    requests,
    byName: (name) => [...jobs.values()].find((job) => job.name === name),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
