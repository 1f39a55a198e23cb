import { PluginError, cancellationError, definePlugin, durationToMs, type JsonValue } from '../sdk';
import { messageOf, payloadFor } from './formats';
import {
  notifyWebhookExamples,
  notifyWebhookInputSchema,
  notifyWebhookOutputSchema,
  type NotifyWebhookInput,
  type NotifyWebhookOutput,
} from './schema';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Receivers answer with a word or a small JSON object; more is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const EXCERPT_CHARS = 300;
/** WeCom's "API frequency out of limit": worth retrying later. */
const WECOM_RATE_LIMITED = 45009;

/**
 * `notify.webhook`: posts a message to a chat or event webhook as JSON, in the shape of Slack
 * incoming webhooks, Teams (Adaptive Card), WeCom group robots, or a generic `{ title, text, level,
 * fields, link }`. The URL is treated as a secret: messages show its origin only.
 *
 * Fails with `WebhookRejected` (4xx, or a WeCom `errcode`; not retried), `TooManyRequests` and
 * `WebhookServerError` (429, 5xx), `WebhookConnectionError`, `WebhookTimeout` (all retried).
 *
 * @example
 * { id: tell, type: notify.webhook, with: { url: "${secrets.SLACK_WEBHOOK}", format: slack, text: "Deployed ${inputs.version}" } }
 */
export const notifyWebhook = definePlugin<NotifyWebhookInput, NotifyWebhookOutput>({
  type: 'notify.webhook',
  version: '1.0.0',
  title: 'Webhook notification',
  description: 'Posts a message to a Slack, Teams, WeCom or generic JSON webhook.',
  inputSchema: notifyWebhookInputSchema,
  outputSchema: notifyWebhookOutputSchema,
  defaults: {
    retry: { maximumAttempts: 3, initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
    timeout: { startToClose: '1m' },
  },
  examples: notifyWebhookExamples,

  async execute(ctx, input) {
    const url = parseUrl(input.url);
    const shown = `${url.origin}/…`;
    const format = input.format ?? 'generic';
    const timeoutMs = input.timeout === undefined ? DEFAULT_TIMEOUT_MS : durationToMs(input.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      throw invalidInput('timeout must be a duration like "10s" or a positive number of milliseconds');
    }
    let headers: Headers;
    try {
      headers = new Headers(input.headers ?? {});
    } catch {
      throw invalidInput('headers are not valid HTTP headers');
    }
    headers.set('content-type', 'application/json; charset=utf-8');
    const body = JSON.stringify(payloadFor(format, messageOf(input)));
    if (ctx.signal.aborted) throw cancellationError(ctx.signal);

    const timeout = AbortSignal.timeout(timeoutMs);
    ctx.heartbeat({ format, url: shown });
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'follow',
        signal: AbortSignal.any([ctx.signal, timeout]),
      });
      text = await readCapped(response);
    } catch (err) {
      if (ctx.signal.aborted) throw cancellationError(ctx.signal);
      if (timeout.aborted) {
        throw new PluginError('WebhookTimeout', `POST ${shown} timed out after ${timeoutMs}ms`, { retryable: true });
      }
      throw new PluginError('WebhookConnectionError', `POST ${shown} failed: ${causeOf(err)}`, { retryable: true });
    }

    const excerpt = excerptOf(text);
    if (response.status >= 300) {
      const [type, retryable] =
        response.status === 429
          ? ['TooManyRequests', true]
          : response.status >= 500
            ? ['WebhookServerError', true]
            : ['WebhookRejected', false];
      throw new PluginError(
        type,
        `POST ${shown} (${format}) returned HTTP ${response.status}${excerpt ? `: ${excerpt}` : ''}`,
        { retryable, details: { status: response.status, body: excerpt } },
      );
    }
    if (format === 'wecom') checkWecomAnswer(text, shown);
    ctx.logger.debug('notify.webhook sent', { format, url: shown, status: response.status });
    return { status: response.status };
  },
});

function invalidInput(message: string): PluginError {
  return new PluginError('InvalidInput', message, { retryable: false });
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not quoted: a webhook URL is a credential.
    throw invalidInput('url must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidInput('url must use http or https');
  return url;
}

/** WeCom answers HTTP 200 for everything and puts the verdict in `errcode`. */
function checkWecomAnswer(text: string, shown: string): void {
  let answer: { errcode?: unknown; errmsg?: unknown };
  try {
    answer = JSON.parse(text) as { errcode?: unknown; errmsg?: unknown };
  } catch {
    return;
  }
  if (typeof answer.errcode !== 'number' || answer.errcode === 0) return;
  const errmsg = typeof answer.errmsg === 'string' ? answer.errmsg : '';
  throw new PluginError(
    answer.errcode === WECOM_RATE_LIMITED ? 'TooManyRequests' : 'WebhookRejected',
    `POST ${shown} (wecom) was refused: errcode ${answer.errcode}${errmsg ? ` ${excerptOf(errmsg)}` : ''}`,
    { retryable: answer.errcode === WECOM_RATE_LIMITED, details: { errcode: answer.errcode, errmsg } as JsonValue },
  );
}

async function readCapped(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

/** The innermost cause's message, without the URL fetch may have put into it. */
function causeOf(err: unknown): string {
  let current: unknown = err;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  const errors = (current as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) current = errors[0];
  const code = (current as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = (current as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message.replace(/https?:\/\/\S+/g, '<url>') : 'network error';
}
