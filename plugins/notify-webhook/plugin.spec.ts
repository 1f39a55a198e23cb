import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PluginError } from '../sdk';
import { runPlugin } from '../sdk/testing';
import { payloadFor } from './formats';
import { notifyWebhook } from './plugin';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1 that records each request's parsed JSON body. */
async function startReceiver(
  routes: Record<string, Handler>,
): Promise<{ base: string; server: Server; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      received.push({ path, headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      (routes[path] ?? ((_q, r: ServerResponse) => r.writeHead(404).end('no_service')))(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, received };
}

const ok: Handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PluginError);
    return err as PluginError;
  }
  throw new Error('expected the plugin to fail');
}

describe('notifyWebhook', () => {
  let base: string;
  let server: Server;
  let received: Received[];

  beforeAll(async () => {
    ({ base, server, received } = await startReceiver({
      '/hook': ok,
      '/teams': (_req, res) => res.writeHead(202).end(),
      '/wecom': (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}'),
      '/wecom-bad-key': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"errcode":93000,"errmsg":"invalid webhook url, hint: [1700000000_1]"}'),
      '/wecom-busy': (_req, res) => res.writeHead(200).end('{"errcode":45009,"errmsg":"api freq out of limit"}'),
      '/invalid': (_req, res) => res.writeHead(400).end('invalid_payload'),
      '/down': (_req, res) => res.writeHead(503).end('upstream down'),
      '/slow': (_req, res) => res.writeHead(429).end('rate_limited'),
      '/hang': () => undefined,
    }));
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const message = {
    title: 'Deployed web 1.4.2',
    text: 'Rolled out to *prod*',
    level: 'success' as const,
    fields: { env: 'prod', replicas: 3, canary: false },
    link: { url: 'https://switchyard.local/runs/r-1', text: 'Open the run' },
  };

  it('posts a Slack incoming-webhook body: fallback text and Block Kit blocks', async () => {
    const output = await runPlugin(notifyWebhook, { url: `${base}/hook`, format: 'slack', ...message });
    expect(output).toEqual({ status: 200 });
    const last = received.at(-1)!;
    expect(last.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(last.body).toEqual({
      text: '✅ Deployed web 1.4.2: Rolled out to *prod*',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '✅ Deployed web 1.4.2', emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: 'Rolled out to *prod*' } },
        {
          type: 'section',
          fields: [
            { type: 'mrkdwn', text: '*env*\nprod' },
            { type: 'mrkdwn', text: '*replicas*\n3' },
            { type: 'mrkdwn', text: '*canary*\nfalse' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '<https://switchyard.local/runs/r-1|Open the run>' }] },
      ],
    });
  });

  it('posts a Teams Adaptive Card', async () => {
    const output = await runPlugin(notifyWebhook, {
      url: `${base}/teams`,
      format: 'teams',
      ...message,
      level: 'error',
    });
    expect(output).toEqual({ status: 202 });
    expect(received.at(-1)!.body).toEqual({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: 'Deployed web 1.4.2',
                weight: 'Bolder',
                size: 'Medium',
                wrap: true,
                color: 'Attention',
              },
              { type: 'TextBlock', text: 'Rolled out to *prod*', wrap: true },
              {
                type: 'FactSet',
                facts: [
                  { title: 'env', value: 'prod' },
                  { title: 'replicas', value: '3' },
                  { title: 'canary', value: 'false' },
                ],
              },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open the run', url: 'https://switchyard.local/runs/r-1' }],
          },
        },
      ],
    });
  });

  it('posts WeCom group-robot markdown and checks its errcode', async () => {
    const output = await runPlugin(notifyWebhook, { url: `${base}/wecom?key=abc`, format: 'wecom', ...message });
    expect(output).toEqual({ status: 200 });
    expect(received.at(-1)!.body).toEqual({
      msgtype: 'markdown',
      markdown: {
        content:
          '<font color="info">**Deployed web 1.4.2**</font>\nRolled out to *prod*\n> env: prod\n> replicas: 3\n> canary: false\n' +
          '[Open the run](https://switchyard.local/runs/r-1)',
      },
    });

    const refused = await failure(
      runPlugin(notifyWebhook, { url: `${base}/wecom-bad-key?key=s3cr3t`, format: 'wecom', text: 'x' }),
    );
    expect(refused).toMatchObject({ type: 'WebhookRejected', retryable: false, details: { errcode: 93000 } });
    expect(refused.message).toBe(
      `POST ${base}/… (wecom) was refused: errcode 93000 invalid webhook url, hint: [1700000000_1]`,
    );
    const busy = await failure(runPlugin(notifyWebhook, { url: `${base}/wecom-busy`, format: 'wecom', text: 'x' }));
    expect(busy).toMatchObject({ type: 'TooManyRequests', retryable: true });
  });

  it('posts the generic shape by default, with the headers given', async () => {
    await runPlugin(notifyWebhook, {
      url: `${base}/hook`,
      text: 'Run r-1 waits for approval',
      fields: { approvers: 'ops', deadline: null },
      headers: { authorization: 'Bearer t0ken' },
    });
    const last = received.at(-1)!;
    expect(last.headers.authorization).toBe('Bearer t0ken');
    expect(last.body).toEqual({
      text: 'Run r-1 waits for approval',
      level: 'info',
      fields: { approvers: 'ops', deadline: null },
    });
  });

  it('fails a 4xx as a non-retryable WebhookRejected without showing the URL path or query', async () => {
    const err = await failure(
      runPlugin(notifyWebhook, { url: `${base}/invalid?token=s3cr3t`, format: 'slack', text: 'x' }),
    );
    expect(err).toMatchObject({ type: 'WebhookRejected', retryable: false, details: { status: 400 } });
    expect(err.message).toBe(`POST ${base}/… (slack) returned HTTP 400: invalid_payload`);
    expect(err.message).not.toContain('s3cr3t');
    expect(err.message).not.toContain('/invalid');
  });

  it('retries 5xx and 429', async () => {
    await expect(runPlugin(notifyWebhook, { url: `${base}/down`, text: 'x' })).rejects.toMatchObject({
      type: 'WebhookServerError',
      retryable: true,
    });
    await expect(runPlugin(notifyWebhook, { url: `${base}/slow`, text: 'x' })).rejects.toMatchObject({
      type: 'TooManyRequests',
      retryable: true,
    });
  });

  it('times out a receiver that does not answer, and stops when cancelled', async () => {
    const err = await failure(runPlugin(notifyWebhook, { url: `${base}/hang`, text: 'x', timeout: '300ms' }));
    expect(err).toMatchObject({ type: 'WebhookTimeout', retryable: true });

    const controller = new AbortController();
    const reason = new Error('node cancelled');
    const pending = runPlugin(notifyWebhook, { url: `${base}/hang`, text: 'x' }, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 100);
    await expect(pending).rejects.toBe(reason);
  });

  it('fails an unreachable receiver as a retryable WebhookConnectionError', async () => {
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const err = await failure(runPlugin(notifyWebhook, { url: `http://127.0.0.1:${port}/hook/secret`, text: 'x' }));
    expect(err).toMatchObject({ type: 'WebhookConnectionError', retryable: true });
    expect(err.message).toBe(`POST http://127.0.0.1:${port}/… failed: ECONNREFUSED`);
  });

  it('refuses a URL that is not http(s) without quoting it', async () => {
    const err = await failure(runPlugin(notifyWebhook, { url: 'hooks.slack.com/services/T0/B0/XYZ', text: 'x' }));
    expect(err).toMatchObject({ type: 'InvalidInput', retryable: false });
    expect(err.message).not.toContain('XYZ');
  });
});

describe(payloadFor.name, () => {
  it('keeps Slack within its block limits and WeCom within 4096 bytes', () => {
    const fields = Array.from({ length: 12 }, (_, i) => [`f${i}`, i] as [string, number]);
    const slack = payloadFor('slack', { text: 'x'.repeat(5000), level: 'info', fields }) as {
      blocks: Array<{ text?: { text: string }; fields?: unknown[] }>;
    };
    expect(slack.blocks[0].text!.text).toHaveLength(3000);
    expect(slack.blocks.slice(1).map((block) => block.fields?.length)).toEqual([10, 2]);

    const wecom = payloadFor('wecom', { text: '部署'.repeat(2000), level: 'info', fields: [] }) as {
      markdown: { content: string };
    };
    expect(Buffer.byteLength(wecom.markdown.content, 'utf8')).toBeLessThanOrEqual(4096);
    expect(wecom.markdown.content.endsWith('…')).toBe(true);
  });
});
