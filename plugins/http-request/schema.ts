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
};

/** What an `http.request` node outputs for a 1xx–3xx response (4xx and 5xx fail the node). */
export type HttpRequestOutput = {
  status: number;
  /** Lower-case names; repeated headers joined with `, `. */
  headers: { [name: string]: string };
  /** Parsed JSON when the response says it is JSON, else the text. */
  body: JsonValue;
};

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
    title: 'Post plain text',
    with: { method: 'PUT', url: 'https://config.local/motd', body: 'maintenance at 22:00', timeout: 5000 },
  },
];
