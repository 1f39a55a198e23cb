import { DURATION_SCHEMA, type JsonObject, type JsonSchema, type JsonValue } from '../sdk';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** The `with` of an `http.request` node. */
export type HttpRequestInput = {
  /** Default `GET`. */
  method?: HttpMethod;
  /** An absolute `http:` or `https:` URL. */
  url: string;
  headers?: { [name: string]: string };
  /** A string is sent as is; anything else as JSON with `content-type: application/json` (unless set). */
  body?: JsonValue;
  /** The whole exchange, response body included: a duration (`30s`) or milliseconds. Default `30s`. */
  timeout?: string | number;
  /**
   * The statuses that count as success: codes (`200`), classes (`'2xx'`) or ranges (`'200-204'`).
   * Default: any 1xx–3xx. A status outside the list fails the node, a listed 4xx or 5xx does not.
   */
  successWhen?: Array<number | string>;
  /** Values the parsed body must hold for success: JSON path → expected JSON value (`{ "$.state": "ready" }`). */
  successBody?: { [path: string]: JsonValue };
  /** Outputs taken from the parsed body: name → JSON path (`$.data.items[0].id`) or `{ path, required }`. */
  extract?: { [name: string]: string | HttpExtractSpec };
};

/** One extracted output: a JSON path into the parsed body; `required` fails the node when it finds nothing. */
export type HttpExtractSpec = {
  path: string;
  /** Default false: a path that finds nothing gives `null` (or `default`). */
  required?: boolean;
  default?: JsonValue;
};

/** What an `http.request` node outputs for a 1xx–3xx response (4xx and 5xx fail the node). */
export type HttpRequestOutput = {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: { [name: string]: string };
  /** Parsed JSON when the response says it is JSON, else the text. */
  body: JsonValue;
  /** One entry per `extract` name, present only when the node asks for extraction. */
  extracted?: { [name: string]: JsonValue };
};

/** A status class (`2xx`) or range (`200-299`) in `successWhen`. */
export const STATUS_PATTERN = '^([1-5]xx|[1-5]\\d\\d-[1-5]\\d\\d)$';
/** A JSON path as the SDK's evaluator reads it; checked in full when the node runs. */
export const JSON_PATH_PATTERN = '^\\$';

export const httpRequestInputSchema: JsonSchema = {
  title: 'http.request input',
  type: 'object',
  required: ['url'],
  additionalProperties: false,
  properties: {
    method: { type: 'string', enum: [...HTTP_METHODS], default: 'GET', title: 'Method' },
    url: { type: 'string', minLength: 1, title: 'URL', description: 'An absolute http or https URL.' },
    headers: {
      type: 'object',
      title: 'Headers',
      additionalProperties: { type: 'string' },
    },
    body: {
      title: 'Body',
      description: 'A string is sent as is; an object or array as JSON.',
      type: ['object', 'array', 'string', 'number', 'boolean', 'null'],
    },
    timeout: {
      ...DURATION_SCHEMA,
      title: 'Timeout',
      description: 'For the whole exchange: a duration like 30s, or milliseconds.',
      default: '30s',
    },
    successWhen: {
      type: 'array',
      title: 'Success statuses',
      description: 'Codes (200), classes ("2xx") or ranges ("200-204"). Default: any 1xx-3xx.',
      minItems: 1,
      items: {
        anyOf: [
          { type: 'integer', minimum: 100, maximum: 599 },
          { type: 'string', pattern: STATUS_PATTERN },
        ],
      },
    },
    successBody: {
      type: 'object',
      title: 'Success body',
      description: 'JSON path -> the value the parsed body must hold there, e.g. { "$.state": "ready" }.',
      propertyNames: { pattern: JSON_PATH_PATTERN },
    },
    extract: {
      type: 'object',
      title: 'Extract',
      description:
        'Output name -> JSON path into the parsed body ("$.data.items[0].id"), or { path, required, default }.',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: {
        anyOf: [
          { type: 'string', pattern: JSON_PATH_PATTERN },
          {
            type: 'object',
            required: ['path'],
            additionalProperties: false,
            properties: {
              path: { type: 'string', pattern: JSON_PATH_PATTERN },
              required: { type: 'boolean', default: false },
              default: { description: 'Used when the path finds nothing and it is not required.' },
            },
          },
        ],
      },
    },
  },
};

export const httpRequestOutputSchema: JsonSchema = {
  title: 'http.request output',
  type: 'object',
  required: ['status', 'headers', 'body'],
  properties: {
    status: { type: 'integer' },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    body: { description: 'Parsed JSON when the response content-type is JSON, else text.' },
    extracted: { type: 'object', description: 'The values of `extract`, by name.' },
  },
};

export const httpRequestExamples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  { title: 'Fetch a health endpoint', with: { url: 'https://service.internal/healthz' } },
  {
    title: 'Trigger a build with a JSON body',
    with: {
      method: 'POST',
      url: 'https://ci.local/build/${inputs.env}',
      headers: { authorization: 'Bearer ${vars.ciToken}' },
      body: { ref: 'main', replicas: '${inputs.replicas}' },
      timeout: '1m',
    },
  },
  {
    title: 'Create a ticket, accept 201 only, keep its id',
    with: {
      method: 'POST',
      url: 'https://tickets.local/api/tickets',
      body: { title: 'Deploy ${inputs.version}' },
      successWhen: [201],
      extract: { ticketId: { path: '$.data.id', required: true }, url: '$.data.links.self' },
    },
  },
  {
    title: 'Wait until a service reports ready (retried until the body says so)',
    with: {
      url: 'https://web.internal/status',
      successWhen: ['2xx', 304],
      successBody: { '$.state': 'ready', '$.checks[0].ok': true },
    },
  },
  {
    title: 'Delete, tolerating a resource already gone',
    with: { method: 'DELETE', url: 'https://dns.local/records/web-canary', successWhen: ['200-204', 404] },
  },
  {
    title: 'Post plain text',
    with: { method: 'PUT', url: 'https://config.local/motd', body: 'maintenance at 22:00', timeout: 5000 },
  },
];
