import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { PluginError } from '../sdk';
import { runPlugin } from '../sdk/testing';
import { classifyStatus, httpRequest, redactUrl } from './plugin';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

/** A real HTTP server on 127.0.0.1 with one handler per path. */
async function startServer(
  routes: Record<string, Handler>,
): Promise<{ base: string; server: Server; seen: Recorded[] }> {
  const seen: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      const handler = routes[new URL(req.url!, 'http://x').pathname];
      if (handler) handler(req, res, body);
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server, seen };
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(value));
}

function text(status: number, value: string): Handler {
  return (_req, res) => res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(value);
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PluginError);
    return err as PluginError;
  }
  throw new Error('expected the plugin to fail');
}

describe('httpRequest', () => {
  let base: string;
  let server: Server;
  let seen: Recorded[];

  beforeAll(async () => {
    ({ base, server, seen } = await startServer({
      '/json': json(200, { artifact: 'web-1.2.3', replicas: 2 }, { 'x-build': '42' }),
      '/problem-json': json(200, { ok: true }, { 'content-type': 'application/problem+json' }),
      '/text': text(200, 'plain words'),
      '/echo': (req, res, body) =>
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ method: req.method, contentType: req.headers['content-type'] ?? null, body })),
      '/empty': (_req, res) => res.writeHead(204).end(),
      '/boom': json(500, { error: 'database on fire' }),
      '/unavailable': text(503, 'x'.repeat(2000)),
      '/slow-down': text(429, 'rate limited'),
      '/bad': json(400, { error: 'ref is required' }),
      '/unauthorized': text(401, 'who are you'),
      '/forbidden': text(403, 'no'),
      '/conflict': text(409, 'already running'),
      '/unprocessable': text(422, 'bad shape'),
      '/teapot': text(418, 'short and stout'),
      '/hang': () => undefined,
      '/big': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('y'.repeat(1024 * 1024 + 10));
      },
    }));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('GETs by default and parses a JSON body, returning status and lower-case headers', async () => {
    const output = await runPlugin(httpRequest, { url: `${base}/json` });
    expect(output.status).toBe(200);
    expect(output.body).toEqual({ artifact: 'web-1.2.3', replicas: 2 });
    expect(output.headers['x-build']).toBe('42');
    expect(output.headers['content-type']).toBe('application/json');
    expect(seen.at(-1)?.method).toBe('GET');
  });

  it('parses +json media types too', async () => {
    const output = await runPlugin(httpRequest, { url: `${base}/problem-json` });
    expect(output.body).toEqual({ ok: true });
  });

  it('returns a text body as a string', async () => {
    const output = await runPlugin(httpRequest, { url: `${base}/text` });
    expect(output.body).toBe('plain words');
  });

  it('returns an empty body as an empty string', async () => {
    const output = await runPlugin(httpRequest, { method: 'DELETE', url: `${base}/empty` });
    expect(output).toMatchObject({ status: 204, body: '' });
  });

  it('sends request headers', async () => {
    await runPlugin(httpRequest, { url: `${base}/json`, headers: { 'X-Trace': 'abc', Accept: 'application/json' } });
    expect(seen.at(-1)?.headers).toMatchObject({ 'x-trace': 'abc', accept: 'application/json' });
  });

  it('POSTs an object body as JSON with a content-type', async () => {
    const output = await runPlugin(httpRequest, {
      method: 'POST',
      url: `${base}/echo`,
      body: { ref: 'main', replicas: 3 },
    });
    expect(output.status).toBe(201);
    expect(output.body).toEqual({
      method: 'POST',
      contentType: 'application/json',
      body: '{"ref":"main","replicas":3}',
    });
  });

  it('keeps a content-type the node sets, and sends a string body as is', async () => {
    const output = await runPlugin(httpRequest, {
      method: 'PUT',
      url: `${base}/echo`,
      headers: { 'Content-Type': 'text/csv' },
      body: 'a,b\n1,2',
    });
    expect(output.body).toEqual({ method: 'PUT', contentType: 'text/csv', body: 'a,b\n1,2' });
  });

  it('fails a 500 as a retryable HttpServerError naming method, url, status and the body', async () => {
    const err = await failure(runPlugin(httpRequest, { method: 'POST', url: `${base}/boom`, body: {} }));
    expect(err).toMatchObject({ type: 'HttpServerError', retryable: true });
    expect(err.message).toBe(`POST ${base}/boom returned HTTP 500 Internal Server Error: {"error":"database on fire"}`);
    expect(err.details).toEqual({ status: 500, body: '{"error":"database on fire"}' });
  });

  it('cuts the body excerpt in error messages at 500 characters', async () => {
    const err = await failure(runPlugin(httpRequest, { url: `${base}/unavailable` }));
    expect(err).toMatchObject({ type: 'HttpServerError', retryable: true });
    expect(err.message).toContain(`GET ${base}/unavailable returned HTTP 503`);
    expect(err.message).toContain(`${'x'.repeat(500)}…`);
    expect(err.message).not.toContain('x'.repeat(501));
  });

  it('fails a 429 as a retryable TooManyRequests', async () => {
    const err = await failure(runPlugin(httpRequest, { url: `${base}/slow-down` }));
    expect(err).toMatchObject({ type: 'TooManyRequests', retryable: true });
    expect(err.message).toContain('429');
  });

  it.each([
    ['/bad', 'BadRequest', 400],
    ['/unauthorized', 'Unauthorized', 401],
    ['/forbidden', 'Forbidden', 403],
    ['/nowhere', 'NotFound', 404],
    ['/conflict', 'Conflict', 409],
    ['/unprocessable', 'UnprocessableEntity', 422],
    ['/teapot', 'HttpClientError', 418],
  ])('fails %s as a non-retryable %s', async (path, type, status) => {
    const err = await failure(runPlugin(httpRequest, { url: `${base}${path}` }));
    expect(err).toMatchObject({ type, retryable: false });
    expect(err.message).toContain(`GET ${base}${path} returned HTTP ${status}`);
  });

  it('fails a refused connection as a retryable HttpConnectionError', async () => {
    const port = await closedPort();
    const err = await failure(runPlugin(httpRequest, { url: `http://127.0.0.1:${port}/x` }));
    expect(err).toMatchObject({ type: 'HttpConnectionError', retryable: true, details: { code: 'ECONNREFUSED' } });
    expect(err.message).toContain(`GET http://127.0.0.1:${port}/x failed: connect ECONNREFUSED`);
  });

  it('fails a server that does not answer in time as a retryable HttpTimeout', async () => {
    const started = Date.now();
    const err = await failure(runPlugin(httpRequest, { url: `${base}/hang`, timeout: '300ms' }));
    expect(err).toMatchObject({ type: 'HttpTimeout', retryable: true });
    expect(err.message).toBe(`GET ${base}/hang timed out after 300ms`);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('accepts the timeout in milliseconds', async () => {
    const err = await failure(runPlugin(httpRequest, { url: `${base}/hang`, timeout: 200 }));
    expect(err.message).toContain('timed out after 200ms');
  });

  it('stops at once when cancelled mid-request, with the signal reason', async () => {
    const controller = new AbortController();
    const reason = new Error('node cancelled');
    const heartbeats: unknown[] = [];
    const pending = runPlugin(
      httpRequest,
      { url: `${base}/hang`, timeout: '1m' },
      { signal: controller.signal, onHeartbeat: (details) => heartbeats.push(details) },
    );
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(heartbeats[0]).toMatchObject({ method: 'GET', url: `${base}/hang` });
  });

  it('does not send anything when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = seen.length;
    await expect(runPlugin(httpRequest, { url: `${base}/json` }, { signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(seen.length).toBe(before);
  });

  it('refuses a response over 1 MiB instead of overflowing the output', async () => {
    const err = await failure(runPlugin(httpRequest, { url: `${base}/big` }));
    expect(err).toMatchObject({ type: 'HttpResponseTooLarge', retryable: false });
  });

  it('refuses inputs the schema allows but HTTP does not', async () => {
    await expect(runPlugin(httpRequest, { url: 'not a url' })).rejects.toMatchObject({
      type: 'InvalidInput',
      retryable: false,
    });
    await expect(runPlugin(httpRequest, { url: 'ftp://files.local/x' })).rejects.toMatchObject({
      type: 'InvalidInput',
    });
    await expect(runPlugin(httpRequest, { url: `${base}/json`, body: { a: 1 } })).rejects.toMatchObject({
      type: 'InvalidInput',
      message: 'a GET request cannot have a body',
    });
  });

  it('has a schema that refuses a missing url, an unknown method and a bad timeout', async () => {
    await expect(runPlugin(httpRequest, { method: 'FETCH', timeout: 'soon' } as never)).rejects.toThrow(
      /with\.url: is required.*with\.method: must be one of "GET"/,
    );
    await expect(runPlugin(httpRequest, { url: `${base}/json`, timeout: 'soon' })).rejects.toThrow(/with\.timeout/);
  });
});

describe('httpRequest successWhen, successBody and extract', () => {
  let base: string;
  let server: Server;

  beforeAll(async () => {
    ({ base, server } = await startServer({
      '/created': json(201, { data: { id: 'T-42', items: [{ id: 7 }, { id: 8 }], links: { self: '/t/T-42' } } }),
      '/accepted': json(202, { state: 'starting', checks: [{ ok: false }] }),
      '/ready': json(200, { state: 'ready', checks: [{ ok: true, name: 'db' }], meta: { region: 'eu', zone: 'a' } }),
      '/gone': text(404, 'no such record'),
      '/boom': json(500, { error: 'down' }),
      '/text': text(200, 'plain words'),
    }));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('accepts only the listed statuses: codes, classes and ranges', async () => {
    await expect(runPlugin(httpRequest, { url: `${base}/created`, successWhen: [201] })).resolves.toMatchObject({
      status: 201,
    });
    await expect(runPlugin(httpRequest, { url: `${base}/ready`, successWhen: ['2xx'] })).resolves.toMatchObject({
      status: 200,
    });
    await expect(
      runPlugin(httpRequest, { url: `${base}/accepted`, successWhen: ['200-201', 202] }),
    ).resolves.toMatchObject({ status: 202 });
  });

  it('fails a success status outside the list as a non-retryable HttpUnexpectedStatus', async () => {
    const err = await failure(runPlugin(httpRequest, { url: `${base}/accepted`, successWhen: [200, '204-206'] }));
    expect(err).toMatchObject({ type: 'HttpUnexpectedStatus', retryable: false, details: { status: 202 } });
    expect(err.message).toBe(
      `GET ${base}/accepted returned HTTP 202 Accepted, not 200, 204-206: {"state":"starting","checks":[{"ok":false}]}`,
    );
  });

  it('treats a listed 4xx as success, and an unlisted 5xx keeps its usual type', async () => {
    const output = await runPlugin(httpRequest, { method: 'DELETE', url: `${base}/gone`, successWhen: ['2xx', 404] });
    expect(output).toMatchObject({ status: 404, body: 'no such record' });
    await expect(runPlugin(httpRequest, { url: `${base}/boom`, successWhen: ['2xx'] })).rejects.toMatchObject({
      type: 'HttpServerError',
      retryable: true,
    });
  });

  it('checks values in the body', async () => {
    await expect(
      runPlugin(httpRequest, {
        url: `${base}/ready`,
        successBody: { '$.state': 'ready', '$.checks[0]': { name: 'db', ok: true }, '$.meta.zone': 'a' },
      }),
    ).resolves.toMatchObject({ status: 200 });

    const err = await failure(runPlugin(httpRequest, { url: `${base}/accepted`, successBody: { '$.state': 'ready' } }));
    expect(err).toMatchObject({ type: 'HttpUnexpectedBody', retryable: true, details: { path: '$.state' } });
    expect(err.message).toBe(`GET ${base}/accepted returned HTTP 202 Accepted but $.state is "starting", not "ready"`);
    await expect(runPlugin(httpRequest, { url: `${base}/ready`, successBody: { '$.missing': null } })).rejects.toThrow(
      'but $.missing is missing, not null',
    );
  });

  it('extracts values by JSON path into output.extracted', async () => {
    const output = await runPlugin(httpRequest, {
      method: 'POST',
      url: `${base}/created`,
      body: { title: 'x' },
      extract: {
        ticketId: { path: '$.data.id', required: true },
        firstItem: '$.data.items[0].id',
        lastItem: '$.data.items[-1].id',
        allItems: '$.data.items[*].id',
        self: "$['data']['links']['self']",
        absent: '$.data.nope',
        withDefault: { path: '$.data.nope', default: 'none' },
      },
    });
    expect(output.extracted).toEqual({
      ticketId: 'T-42',
      firstItem: 7,
      lastItem: 8,
      allItems: [7, 8],
      self: '/t/T-42',
      absent: null,
      withDefault: 'none',
    });
    expect(output.body).toMatchObject({ data: { id: 'T-42' } });
  });

  it('leaves extracted out when nothing is extracted, and reads $ of a text body', async () => {
    expect(await runPlugin(httpRequest, { url: `${base}/text` })).not.toHaveProperty('extracted');
    const output = await runPlugin(httpRequest, { url: `${base}/text`, extract: { all: '$', deeper: '$.a' } });
    expect(output.extracted).toEqual({ all: 'plain words', deeper: null });
  });

  it('fails a required path that finds nothing, naming it', async () => {
    const err = await failure(
      runPlugin(httpRequest, { url: `${base}/ready`, extract: { id: { path: '$.data.id', required: true } } }),
    );
    expect(err).toMatchObject({
      type: 'HttpExtractFailed',
      retryable: false,
      details: { name: 'id', path: '$.data.id' },
    });
    expect(err.message).toBe(`GET ${base}/ready returned HTTP 200 OK but extract.id: $.data.id finds nothing`);
  });

  it('refuses malformed paths and statuses before sending anything', async () => {
    await expect(runPlugin(httpRequest, { url: `${base}/ready`, extract: { id: '$.data[' } })).rejects.toMatchObject({
      type: 'InvalidInput',
      message: expect.stringContaining('extract.id: JSON path "$.data["'),
    });
    await expect(runPlugin(httpRequest, { url: `${base}/ready`, successWhen: ['299-200'] })).rejects.toMatchObject({
      type: 'InvalidInput',
      message: expect.stringContaining('successWhen[0]'),
    });
    await expect(runPlugin(httpRequest, { url: `${base}/ready`, successWhen: ['6xx'] })).rejects.toThrow(
      /with\.successWhen\[0\]/,
    );
    await expect(runPlugin(httpRequest, { url: `${base}/ready`, extract: { id: 'data.id' } })).rejects.toThrow(
      /with\.extract\.id/,
    );
  });
});

describe(classifyStatus.name, () => {
  it('maps success statuses to undefined', () => {
    expect(classifyStatus(200)).toBeUndefined();
    expect(classifyStatus(304)).toBeUndefined();
  });
});

describe(redactUrl.name, () => {
  it('hides user info and sensitive query values, keeps the rest', () => {
    expect(redactUrl(new URL('https://bob:hunter2@ci.local/build?env=prod&token=s3cr3t&api_key=k'))).toBe(
      'https://***@ci.local/build?env=prod&token=***&api_key=***',
    );
  });
});
