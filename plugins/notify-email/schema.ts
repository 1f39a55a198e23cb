import { DURATION_SCHEMA, type JsonObject, type JsonSchema } from '../sdk';

/** One address or several: `ops@example.com`, `"On call" <oncall@example.com>`. */
export type Recipients = string | string[];

/** The `with` of a `notify.email` node: at least one of `text` and `html`. */
export type NotifyEmailInput = {
  /** The SMTP server. */
  host: string;
  /** Default 465 when `secure`, else 587. */
  port?: number;
  /** TLS from the first byte (port 465). When false, STARTTLS is used if the server offers it. */
  secure?: boolean;
  /** Refuse to go on without STARTTLS when not `secure` (default true when a password is given). */
  requireTLS?: boolean;
  /** PEM of the CA that signed the server's certificate, for internal relays. */
  caCertificate?: string;
  /** Skip certificate verification (self-signed relays; default false). */
  allowInvalidCertificates?: boolean;
  user?: string;
  password?: string;
  from: string;
  to: Recipients;
  cc?: Recipients;
  bcc?: Recipients;
  replyTo?: string;
  subject: string;
  text?: string;
  html?: string;
  /** Extra headers (`X-Run-Id`). */
  headers?: { [name: string]: string };
  /** Per SMTP step: connect, greeting, each command (default `30s`). */
  timeout?: string | number;
};

/** What a `notify.email` node outputs once the server took the message. */
export type NotifyEmailOutput = {
  messageId: string;
  /** Recipients the server accepted. */
  accepted: string[];
  /** Recipients the server refused (the message went to the others). */
  rejected: string[];
  /** The server's last answer: `250 2.0.0 Ok: queued as ...`. */
  response: string;
};

const ADDRESS = { type: 'string', minLength: 3, maxLength: 320, pattern: '^[^\\r\\n]*@[^\\r\\n]*$' };
const RECIPIENTS = {
  anyOf: [ADDRESS, { type: 'array', minItems: 1, maxItems: 500, items: ADDRESS }],
};

export const notifyEmailInputSchema: JsonSchema = {
  title: 'notify.email input',
  type: 'object',
  required: ['host', 'from', 'to', 'subject'],
  additionalProperties: false,
  anyOf: [{ required: ['text'] }, { required: ['html'] }],
  properties: {
    host: { type: 'string', minLength: 1, title: 'SMTP host' },
    port: { type: 'integer', minimum: 1, maximum: 65535, title: 'Port', description: '465 when secure, else 587.' },
    secure: { type: 'boolean', default: false, title: 'Implicit TLS', description: 'TLS from the start (port 465).' },
    requireTLS: {
      type: 'boolean',
      title: 'Require STARTTLS',
      description: 'Default true when a password is given, so it never crosses the network in clear.',
    },
    caCertificate: { type: 'string', title: 'CA certificate (PEM)' },
    allowInvalidCertificates: { type: 'boolean', default: false, title: 'Allow invalid certificates' },
    user: { type: 'string', minLength: 1, title: 'User' },
    password: { type: 'string', minLength: 1, title: 'Password', writeOnly: true },
    from: { ...ADDRESS, title: 'From' },
    to: { ...RECIPIENTS, title: 'To' },
    cc: { ...RECIPIENTS, title: 'Cc' },
    bcc: { ...RECIPIENTS, title: 'Bcc' },
    replyTo: { ...ADDRESS, title: 'Reply-To' },
    subject: { type: 'string', minLength: 1, maxLength: 998, pattern: '^[^\\r\\n]*$', title: 'Subject' },
    text: { type: 'string', title: 'Text body' },
    html: { type: 'string', title: 'HTML body' },
    headers: {
      type: 'object',
      title: 'Headers',
      propertyNames: { pattern: '^[A-Za-z0-9-]+$' },
      additionalProperties: { type: 'string', pattern: '^[^\\r\\n]*$' },
    },
    timeout: { ...DURATION_SCHEMA, default: '30s', title: 'Timeout', description: 'Per SMTP step.' },
  },
};

export const notifyEmailOutputSchema: JsonSchema = {
  title: 'notify.email output',
  type: 'object',
  required: ['messageId', 'accepted', 'rejected', 'response'],
  properties: {
    messageId: { type: 'string' },
    accepted: { type: 'array', items: { type: 'string' } },
    rejected: { type: 'array', items: { type: 'string' } },
    response: { type: 'string' },
  },
};

export const notifyEmailExamples: ReadonlyArray<{ title: string; with: JsonObject }> = [
  {
    title: 'Report a deploy through the company relay (STARTTLS, login)',
    with: {
      host: 'smtp.example.com',
      port: 587,
      user: 'switchyard@example.com',
      password: '${secrets.SMTP_PASSWORD}',
      from: 'Switchyard <switchyard@example.com>',
      to: ['ops@example.com', 'release-managers@example.com'],
      subject: 'Deployed web ${inputs.version} to ${inputs.env}',
      text: 'Run ${run.id} finished.',
      html: '<p>Run <b>${run.id}</b> finished.</p>',
    },
  },
  {
    title: 'Implicit TLS on port 465 with a private CA',
    with: {
      host: 'mail.internal',
      secure: true,
      caCertificate: '${secrets.INTERNAL_CA_PEM}',
      user: 'alerts',
      password: '${secrets.SMTP_PASSWORD}',
      from: 'alerts@internal',
      to: 'oncall@internal',
      subject: 'Approval needed',
      text: 'Run ${run.id} waits for your approval.',
      headers: { 'X-Switchyard-Run': '${run.id}' },
    },
  },
  {
    title: 'Unauthenticated local relay',
    with: {
      host: '127.0.0.1',
      port: 25,
      from: 'noreply@ops.local',
      to: ['ops@ops.local'],
      subject: 'Ping',
      text: 'pong',
    },
  },
];
