/**
 * The platform's payloads are encrypted end to end (API client, worker), and the codec endpoint
 * decrypts them for the Temporal Web UI, for the people allowed to see the run only.
 */
import { randomUUID } from 'node:crypto';
import type { Payload } from '@temporalio/common';
import { generatePayloadKey } from '../../src/config/payload-keys';
import { EncryptionCodec, isEncryptedPayload } from '../../src/temporal/payload-codec';
import { testTemporal } from '../support/temporal';
import type { TestApp } from './support/app';
import { Fixtures } from './support/fixtures';
import { startPlatform, type TestPlatform } from './support/platform';
import { createTemplate, RUN_FIELDS, type RunView, waitForRun } from './support/runs';

interface JsonPayload {
  metadata: Record<string, string>;
  data: string;
}

const UI_ORIGIN = 'http://localhost:8233';

function toJson(payload: Payload): JsonPayload {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata ?? {}))
    metadata[key] = Buffer.from(value).toString('base64');
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}

function text(payloads: JsonPayload[]): string {
  return payloads.map((payload) => Buffer.from(payload.data, 'base64').toString('utf8')).join('\n');
}

function encodingOf(payload: JsonPayload): string {
  return Buffer.from(payload.metadata.encoding ?? '', 'base64').toString('utf8');
}

/**
 * Every payload of a history, in the codec protocol's JSON form; those of search attributes go to
 * `indexed` (Temporal indexes them, so no codec touches them: they carry names, never inputs).
 */
function payloadsOf(value: unknown, found: JsonPayload[] = [], indexed: JsonPayload[] = []): JsonPayload[] {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const candidate = value as { data?: unknown; metadata?: unknown };
  if (candidate.data instanceof Uint8Array && candidate.metadata && typeof candidate.metadata === 'object') {
    found.push(toJson(candidate as Payload));
    return found;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === 'searchAttributes') payloadsOf(child, indexed, indexed);
    // The SDK core writes a `patched()` marker's id as a plain payload: no user data, not the codec's.
    else if (key === 'markerRecordedEventAttributes' && (child as { markerName?: string })?.markerName === 'core_patch')
      continue;
    else payloadsOf(child, found, indexed);
  }
  return found;
}

describe('codec endpoint', () => {
  const marker = `marker-${randomUUID()}`;
  let api: TestApp;
  let platform: TestPlatform;
  let admin: string;
  let viewer: string;
  let outsider: string;
  let run: RunView;
  let historyPayloads: JsonPayload[];
  const searchAttributePayloads: JsonPayload[] = [];
  let rawHistory: string;

  beforeAll(async () => {
    platform = await startPlatform({ queue: 'codec-e2e', sharedMetrics: true });
    api = platform.api;
    const fixtures = new Fixtures(api);
    admin = await fixtures.admin();
    const projectId = await fixtures.project('codec');
    const elsewhere = await fixtures.project('elsewhere');
    viewer = await fixtures.user('vic');
    outsider = await fixtures.user('otto');
    await fixtures.member(projectId, 'vic', 'VIEWER');
    await fixtures.member(elsewhere, 'otto', 'OWNER');
    const templateId = await createTemplate(api, admin, projectId, {
      name: 'codec-echo',
      inputs: { note: { type: 'string' } },
      nodes: [{ id: 'echo', type: 'builtin.noop', with: { note: '${inputs.note}' } }],
      outputs: { note: '${nodes.echo.output.note}' },
    });
    const started = await api.gql<{ startRun: RunView }>(
      `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`,
      { input: { templateId, inputs: { note: marker } } },
      admin,
    );
    if (!started.data?.startRun) throw new Error(`startRun: ${JSON.stringify(started.errors)}`);
    run = await waitForRun(api, admin, started.data.startRun.id, (r) => r.status === 'SUCCEEDED');
    // The history as Temporal keeps it, read without any codec.
    const history = await (await testTemporal()).client.workflow.getHandle(run.temporalWorkflowId).fetchHistory();
    historyPayloads = payloadsOf(history, [], searchAttributePayloads);
    rawHistory = JSON.stringify([...historyPayloads, ...searchAttributePayloads]);
  });

  afterAll(() => platform?.close());

  function codec(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${api.baseUrl}/codec/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  }

  it('runs as usual: the API reads the inputs and outputs of an encrypted run', () => {
    expect(run.outputs).toEqual({ note: marker });
    expect(run.nodes.find((node) => node.nodeId === 'echo')!.output).toEqual({ note: marker });
  });

  it('leaves nothing readable in the history: every payload is encrypted', () => {
    expect(historyPayloads.length).toBeGreaterThan(2);
    expect(historyPayloads.map(encodingOf).filter((encoding) => encoding !== 'binary/encrypted')).toEqual([]);
    expect(searchAttributePayloads.length).toBeGreaterThan(0);
    expect(text([...historyPayloads, ...searchAttributePayloads])).not.toContain(marker);
    expect(rawHistory).not.toContain(Buffer.from(marker).toString('base64').slice(0, 16));
  });

  it('decodes the history for a viewer of the run’s project', async () => {
    const response = await codec('decode', { payloads: historyPayloads }, { Authorization: `Bearer ${viewer}` });
    expect(response.status).toBe(200);
    const { payloads } = (await response.json()) as { payloads: JsonPayload[] };
    expect(payloads).toHaveLength(historyPayloads.length);
    expect(payloads.map(encodingOf)).not.toContain('binary/encrypted');
    expect(text(payloads)).toContain(marker);
  });

  it('refuses anonymous callers with 401', async () => {
    const response = await codec('decode', { payloads: historyPayloads });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(marker);
    expect((await codec('encode', { payloads: [] })).status).toBe(401);
  });

  it('refuses callers who may not see the run with 403 (another project’s owner)', async () => {
    const response = await codec('decode', { payloads: historyPayloads }, { Authorization: `Bearer ${outsider}` });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(marker);
  });

  it('decodes with the admin frontend’s session cookie, and forgets it on sign-out', async () => {
    const opened = await fetch(`${api.baseUrl}/codec/session`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${viewer}` },
    });
    expect(opened.status).toBe(204);
    const setCookie = opened.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^switchyard_codec=[^;]+; Path=\/codec; Max-Age=\d+; HttpOnly; SameSite=Lax/);
    const cookie = setCookie.split(';')[0];
    const response = await codec('decode', { payloads: historyPayloads }, { Cookie: cookie, Origin: UI_ORIGIN });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(text(((await response.json()) as { payloads: JsonPayload[] }).payloads)).toContain(marker);

    const closed = await fetch(`${api.baseUrl}/codec/session`, { method: 'DELETE' });
    expect(closed.status).toBe(204);
    expect(closed.headers.get('set-cookie')).toMatch(/^switchyard_codec=; Path=\/codec; Max-Age=0/);
    // The cookie carries nothing but a login token: an invalid one is refused like a bad bearer.
    expect((await codec('decode', { payloads: historyPayloads }, { Cookie: 'switchyard_codec=forged' })).status).toBe(
      401,
    );
  });

  it('answers the CORS preflight of the Temporal UI, and no other origin', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.baseUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-namespace',
        },
      });
    const allowed = await preflight(UI_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/X-Namespace/);
    expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
    const twin = await preflight('http://127.0.0.1:8233');
    expect(twin.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('names the key of a payload it cannot decrypt', async () => {
    const stranger = new EncryptionCodec({ keys: [generatePayloadKey('retired-2019')], source: 'explicit' });
    const [payload] = await stranger.encode(
      [{ metadata: { encoding: new TextEncoder().encode('json/plain') }, data: new TextEncoder().encode('"x"') }],
      {
        type: 'workflow',
        namespace: 'default',
        workflowId: run.temporalWorkflowId,
      },
    );
    const response = await codec('decode', { payloads: [toJson(payload)] }, { Authorization: `Bearer ${admin}` });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/key \\?"retired-2019\\?", which is not in the payload key ring/);
  });

  it('encodes for the UI; what names no run decodes for admins only', async () => {
    const plain = toJson({
      metadata: { encoding: new TextEncoder().encode('json/plain') },
      data: new TextEncoder().encode(`"${marker}"`),
    });
    const encoded = await codec('encode', { payloads: [plain] }, { Authorization: `Bearer ${viewer}` });
    expect(encoded.status).toBe(200);
    const { payloads } = (await encoded.json()) as { payloads: JsonPayload[] };
    expect(encodingOf(payloads[0])).toBe('binary/encrypted');
    expect(isEncryptedPayload({ metadata: { encoding: Buffer.from(payloads[0].metadata.encoding, 'base64') } })).toBe(
      true,
    );
    expect((await codec('decode', { payloads }, { Authorization: `Bearer ${viewer}` })).status).toBe(403);
    const decoded = await codec('decode', { payloads }, { Authorization: `Bearer ${admin}` });
    expect(((await decoded.json()) as { payloads: JsonPayload[] }).payloads).toEqual([plain]);
  });

  it('serves its own namespace only, and answers malformed bodies with the path of the problem', async () => {
    const wrong = await codec('decode', { payloads: [] }, { Authorization: `Bearer ${admin}`, 'X-Namespace': 'other' });
    expect(wrong.status).toBe(400);
    const malformed = await codec('decode', { payloads: [{ data: 42 }] }, { Authorization: `Bearer ${admin}` });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('payloads[0].data');
  });
});
