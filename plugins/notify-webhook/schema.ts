import { DURATION_SCHEMA, type JsonObject, type JsonSchema } from '../sdk';

export const WEBHOOK_FORMATS = ['generic', 'slack', 'teams', 'wecom'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const MESSAGE_LEVELS = ['info', 'success', 'warning', 'error'] as const;
export type MessageLevel = (typeof MESSAGE_LEVELS)[number];

/** The `with` of a `notify.webhook` node. */
export type NotifyWebhookInput = {
  /** The incoming-webhook URL (its path or query usually is the secret: take it from `${secrets.X}`). */
  url: string;
  /** The JSON shape the receiver expects (default `generic`). */
  format?: WebhookFormat;
  /** The message; Markdown where the receiver renders it. */
  text: string;
  title?: string;
  /** Colours and emoji where the format has them (default `info`). */
  level?: MessageLevel;
  /** Name/value facts shown under the text, in this order. */
  fields?: { [name: string]: string | number | boolean | null };
  /** A link shown with the message (the run in the admin UI, a dashboard). */
  link?: { url: string; text?: string };
  /** Extra request headers (an auth header for a generic receiver). */
  headers?: { [name: string]: string };
  /** For the whole exchange (default `10s`). */
  timeout?: string | number;
};

/** What a `notify.webhook` node outputs once the receiver accepted the message. */
export type NotifyWebhookOutput = {
  status: number;
};

export const notifyWebhookInputSchema: JsonSchema = {
  title: 'notify.webhook input',
  type: 'object',
  required: ['url', 'text'],
  additionalProperties: false,
  properties: {
    url: {
      type: 'string',
      minLength: 1,
      title: 'Webhook URL',
      description: 'An http or https URL; keep it in a secret: ${secrets.SLACK_WEBHOOK}.',
      writeOnly: true,
    },
    format: {
      type: 'string',
      enum: [...WEBHOOK_FORMATS],
      default: 'generic',
      title: 'Format',
      description: 'slack (incoming webhook), teams (Adaptive Card), wecom (group robot markdown) or generic JSON.',
    },
    text: { type: 'string', minLength: 1, maxLength: 20_000, title: 'Text' },
    title: { type: 'string', maxLength: 500, title: 'Title' },
    level: { type: 'string', enum: [...MESSAGE_LEVELS], default: 'info', title: 'Level' },
    fields: {
      type: 'object',
      title: 'Fields',
      maxProperties: 50,
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
    link: {
      type: 'object',
      title: 'Link',
      required: ['url'],
      additionalProperties: false,
      properties: { url: { type: 'string', minLength: 1 }, text: { type: 'string', minLength: 1 } },
    },
    headers: { type: 'object', title: 'Headers', additionalProperties: { type: 'string' } },
    timeout: { ...DURATION_SCHEMA, default: '10s', title: 'Timeout' },
  },
};

export const notifyWebhookOutputSchema: JsonSchema = {
  title: 'notify.webhook output',
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'integer', description: 'The HTTP status the receiver answered.' } },
};

export const notifyWebhookExamples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  {
    title: 'Tell a Slack channel a deploy finished',
    with: {
      url: '${secrets.SLACK_WEBHOOK}',
      format: 'slack',
      title: 'Deployed web ${inputs.version}',
      text: 'Rolled out to *${inputs.env}* by ${run.startedBy}',
      level: 'success',
      fields: { env: '${inputs.env}', replicas: '${inputs.replicas}' },
      link: { url: 'https://switchyard.internal/runs/${run.id}', text: 'Open the run' },
    },
  },
  {
    title: 'Page a WeCom group on failure',
    with: {
      url: '${secrets.WECOM_ROBOT_URL}',
      format: 'wecom',
      title: 'Rollback needed',
      text: 'Health check failed on ${inputs.env}',
      level: 'error',
    },
  },
  {
    title: 'Teams channel',
    with: { url: '${secrets.TEAMS_WEBHOOK}', format: 'teams', text: 'Maintenance starts at 22:00', level: 'warning' },
  },
  {
    title: 'Any JSON receiver, with a token header',
    with: {
      url: 'https://events.internal/hooks/switchyard',
      text: 'Run ${run.id} is waiting for approval',
      headers: { authorization: 'Bearer ${secrets.EVENTS_TOKEN}' },
      timeout: '5s',
    },
  },
];
