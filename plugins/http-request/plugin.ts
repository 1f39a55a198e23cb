import {
  PluginError,
  cancellationError,
  definePlugin,
  durationToMs,
  evaluateJsonPath,
  keepHeartbeating,
  parseJsonPath,
  type JsonPathSegment,
  type JsonValue,
} from '../sdk';
import {
  httpRequestExamples,
  httpRequestInputSchema,
  httpRequestOutputSchema,
  type HttpRequestInput,
  type HttpRequestOutput,
} from './schema';

const DEFAULT_TIMEOUT_MS = 30_000;
const HEARTBEAT_INTERVAL_MS = 5_000;
/** Outputs travel in Temporal payloads (2 MB hard limit), so larger responses fail clearly instead. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
const EXCERPT_CHARS = 500;

/** Error types by status; everything else in 4xx is `HttpClientError`. */
const CLIENT_ERROR_TYPES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  422: 'UnprocessableEntity',
};

/**
 * The `PluginError` type and retryability of an HTTP status, or `undefined` when the status is a success.
 * 5xx (`HttpServerError`) and 429 (`TooManyRequests`) are retryable; other 4xx are not.
 */
export function classifyStatus(status: number): { type: string; retryable: boolean } | undefined {
  if (status >= 500) return { type: 'HttpServerError', retryable: true };
  if (status === 429) return { type: 'TooManyRequests', retryable: true };
  if (status >= 400) return { type: CLIENT_ERROR_TYPES[status] ?? 'HttpClientError', retryable: false };
  return undefined;
}

/**
 * `http.request`: one HTTP exchange with Node's `fetch`. 4xx and 5xx responses fail the node with
 * a typed {@link PluginError}; connection failures and timeouts are retryable.
 *
 * `successWhen` replaces the default notion of success with a list of statuses (a status outside
 * it fails as `HttpUnexpectedStatus`, or as its usual 4xx/5xx type); `successBody` also requires
 * values in the parsed body (`HttpUnexpectedBody`, retryable: the service may not be ready yet);
 * `extract` copies values out of the body into `output.extracted` by JSON path
 * (`HttpExtractFailed` when a `required` path finds nothing).
 *
 * @example
 * { id: build, type: http.request, with: { method: POST, url: "https://ci.local/build", body: { ref: main } } }
 */
export const httpRequest = definePlugin<HttpRequestInput, HttpRequestOutput>({
  type: 'http.request',
  version: '1.0.0',
  title: 'HTTP request',
  description:
    'Sends one HTTP request. Fails on 4xx (not retried, except 429) and 5xx, connection errors and timeouts (retried).',
  inputSchema: httpRequestInputSchema,
  outputSchema: httpRequestOutputSchema,
  defaults: {
    retry: { maximumAttempts: 3, initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    timeout: { startToClose: '2m' },
  },
  examples: httpRequestExamples,

  async execute(ctx, input) {
    const method = input.method ?? 'GET';
    const url = parseUrl(input.url);
    const shownUrl = redactUrl(url);
    const timeoutMs = input.timeout === undefined ? DEFAULT_TIMEOUT_MS : durationToMs(input.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      throw invalidInput('timeout must be a duration like "30s" or a positive number of milliseconds');
    }
    const { headers, body } = buildRequest(method, input);
    const checks = prepareChecks(input);
    if (ctx.signal.aborted) throw cancellationError(ctx.signal);

    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const started = Date.now();
    const stopHeartbeat = keepHeartbeating(ctx, HEARTBEAT_INTERVAL_MS, () => ({
      method,
      url: shownUrl,
      elapsedMs: Date.now() - started,
    }));
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        body,
        redirect: 'follow',
        signal: AbortSignal.any([ctx.signal, timeout.signal]),
      });
      text = await readText(response, method, shownUrl);
    } catch (err) {
      if (ctx.signal.aborted) throw cancellationError(ctx.signal);
      if (timeout.signal.aborted) {
        throw new PluginError('HttpTimeout', `${method} ${shownUrl} timed out after ${timeoutMs}ms`, {
          retryable: true,
          details: { timeoutMs },
        });
      }
      if (err instanceof PluginError) throw err;
      const cause = describeCause(err);
      throw new PluginError('HttpConnectionError', `${method} ${shownUrl} failed: ${cause.message}`, {
        retryable: true,
        details: cause.code ? { code: cause.code } : null,
      });
    } finally {
      clearTimeout(timer);
      stopHeartbeat();
    }

    ctx.logger.debug('http.request done', { method, url: shownUrl, status: response.status, ms: Date.now() - started });
    const statusLine = `${method} ${shownUrl} returned HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const accepted = checks.statuses ? checks.statuses.some((range) => inRange(response.status, range)) : undefined;
    const failure =
      accepted === undefined
        ? classifyStatus(response.status)
        : accepted
          ? undefined
          : (classifyStatus(response.status) ?? { type: 'HttpUnexpectedStatus', retryable: false });
    if (failure) {
      const excerpt = excerptOf(text);
      const expected = accepted === false ? `, not ${describeStatuses(input.successWhen ?? [])}` : '';
      throw new PluginError(failure.type, `${statusLine}${expected}${excerpt ? `: ${excerpt}` : ''}`, {
        retryable: failure.retryable,
        details: { status: response.status, body: excerpt },
      });
    }
    const parsed = parseBody(text, response.headers.get('content-type'));
    for (const { path, segments, expected } of checks.body) {
      const found = evaluateJsonPath(parsed, segments);
      if (found.found && jsonEqual(found.value, expected)) continue;
      const actual = found.found ? shortJson(found.value) : 'missing';
      throw new PluginError(
        'HttpUnexpectedBody',
        `${statusLine} but ${path} is ${actual}, not ${shortJson(expected)}`,
        { retryable: true, details: { status: response.status, path, body: excerptOf(text) } },
      );
    }
    const output: HttpRequestOutput = {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: parsed,
    };
    if (checks.extract.length > 0) {
      const extracted: { [name: string]: JsonValue } = {};
      for (const { name, path, segments, required, fallback } of checks.extract) {
        const found = evaluateJsonPath(parsed, segments);
        if (!found.found && required) {
          throw new PluginError('HttpExtractFailed', `${statusLine} but extract.${name}: ${path} finds nothing`, {
            retryable: false,
            details: { status: response.status, name, path, body: excerptOf(text) },
          });
        }
        extracted[name] = found.found ? found.value : fallback;
      }
      output.extracted = extracted;
    }
    return output;
  },
});

/** A status range of `successWhen`, inclusive. */
type StatusRange = [low: number, high: number];

interface Checks {
  statuses?: StatusRange[];
  body: Array<{ path: string; segments: JsonPathSegment[]; expected: JsonValue }>;
  extract: Array<{ name: string; path: string; segments: JsonPathSegment[]; required: boolean; fallback: JsonValue }>;
}

/** Reads `successWhen`, `successBody` and `extract` before anything is sent: a typo fails the node up front. */
function prepareChecks(input: HttpRequestInput): Checks {
  const path = (text: string, where: string): JsonPathSegment[] => {
    try {
      return parseJsonPath(text);
    } catch (err) {
      throw invalidInput(`${where}: ${(err as Error).message}`);
    }
  };
  const checks: Checks = { body: [], extract: [] };
  if (input.successWhen !== undefined) {
    checks.statuses = input.successWhen.map((item, index) => {
      const range = statusRange(item);
      if (!range)
        throw invalidInput(`successWhen[${index}] must be a status (200), a class ("2xx") or a range ("200-299")`);
      return range;
    });
  }
  for (const [text, expected] of Object.entries(input.successBody ?? {})) {
    checks.body.push({ path: text, segments: path(text, `successBody[${JSON.stringify(text)}]`), expected });
  }
  for (const [name, spec] of Object.entries(input.extract ?? {})) {
    const { path: text, required = false, default: fallback = null } = typeof spec === 'string' ? { path: spec } : spec;
    checks.extract.push({ name, path: text, segments: path(text, `extract.${name}`), required, fallback });
  }
  return checks;
}

function statusRange(item: number | string): StatusRange | undefined {
  if (typeof item === 'number') return Number.isInteger(item) && item >= 100 && item <= 599 ? [item, item] : undefined;
  const klass = /^([1-5])xx$/.exec(item);
  if (klass) return [Number(klass[1]) * 100, Number(klass[1]) * 100 + 99];
  const range = /^(\d{3})-(\d{3})$/.exec(item);
  if (range && Number(range[1]) <= Number(range[2])) return [Number(range[1]), Number(range[2])];
  return undefined;
}

function inRange(status: number, [low, high]: StatusRange): boolean {
  return status >= low && status <= high;
}

function describeStatuses(items: ReadonlyArray<number | string>): string {
  return items.map(String).join(', ');
}

/** Structural equality of JSON values (object key order ignored). */
function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && jsonEqual(a[key], b[key]))
  );
}

function shortJson(value: JsonValue): string {
  const text = JSON.stringify(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function invalidInput(message: string): PluginError {
  return new PluginError('InvalidInput', message, { retryable: false });
}

function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidInput('url must be an absolute URL like "https://host/path"');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidInput(`url must use http or https, not ${url.protocol.slice(0, -1)}`);
  }
  return url;
}

function buildRequest(method: string, input: HttpRequestInput): { headers: Headers; body?: string } {
  let headers: Headers;
  try {
    headers = new Headers(input.headers ?? {});
  } catch (err) {
    throw invalidInput(`headers are not valid HTTP headers: ${(err as Error).message}`);
  }
  if (input.body === undefined || input.body === null) return { headers };
  if (method === 'GET' || method === 'HEAD') throw invalidInput(`a ${method} request cannot have a body`);
  if (typeof input.body === 'string') return { headers, body: input.body };
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return { headers, body: JSON.stringify(input.body) };
}

async function readText(response: Response, method: string, shownUrl: string): Promise<string> {
  const tooLarge = (): PluginError =>
    new PluginError(
      'HttpResponseTooLarge',
      `${method} ${shownUrl} returned more than ${MAX_RESPONSE_BYTES} bytes (HTTP ${response.status}); outputs are capped`,
      { retryable: false, details: { status: response.status } },
    );
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string | null): JsonValue {
  if (text.length === 0 || !contentType) return text;
  if (!/^\s*(application|text)\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType)) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/** The first {@link EXCERPT_CHARS} characters of a response body, whitespace collapsed. */
function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

const SENSITIVE_QUERY_KEY = /token|key|secret|pass|pwd|auth|sig|credential|session|code/i;

/** The URL as shown in messages: no user info, sensitive-looking query values masked. */
export function redactUrl(url: URL): string {
  const shown = new URL(url.href);
  if (shown.username || shown.password) {
    shown.username = '***';
    shown.password = '';
  }
  for (const key of [...new Set(shown.searchParams.keys())]) {
    if (SENSITIVE_QUERY_KEY.test(key)) shown.searchParams.set(key, '***');
  }
  return shown.href.replace(/%2A%2A%2A/g, '***');
}

/** What went wrong below fetch's generic "fetch failed": `connect ECONNREFUSED 127.0.0.1:1`. */
function describeCause(err: unknown): { message: string; code?: string } {
  let current: unknown = err;
  for (let depth = 0; depth < 5; depth += 1) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  // Duck-typed: errors from Node internals can come from another realm (e.g. under Jest).
  const errors = (current as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) current = errors[0];
  const code = (current as { code?: unknown } | null)?.code;
  const text = (current as { message?: unknown } | null)?.message;
  const message = typeof text === 'string' && text ? text : String(current);
  return { message, ...(typeof code === 'string' ? { code } : {}) };
}
