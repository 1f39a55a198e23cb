import type { JsonObject, JsonValue } from '../sdk';
import type { MessageLevel, NotifyWebhookInput, WebhookFormat } from './schema';

/** The message, whatever the receiver. */
export interface WebhookMessage {
  text: string;
  title?: string;
  level: MessageLevel;
  fields: Array<[name: string, value: string | number | boolean | null]>;
  link?: { url: string; text?: string };
}

const EMOJI: Record<MessageLevel, string> = { info: '', success: '✅ ', warning: '⚠️ ', error: '🚨 ' };

/** Slack limits: section text 3000, header 150, field 2000 characters, 10 fields per section. */
const SLACK = { section: 3000, header: 150, field: 2000, fieldsPerSection: 10 };
/** WeCom robots take at most 4096 bytes of markdown. */
const WECOM_MAX_BYTES = 4096;

/** The message of a node's `with`. */
export function messageOf(input: NotifyWebhookInput): WebhookMessage {
  return {
    text: input.text,
    ...(input.title ? { title: input.title } : {}),
    level: input.level ?? 'info',
    fields: Object.entries(input.fields ?? {}),
    ...(input.link ? { link: input.link } : {}),
  };
}

/**
 * The JSON body of `message` in the shape `format` expects: a Slack incoming webhook (`text` +
 * Block Kit `blocks`), a Teams webhook (an Adaptive Card attachment, what both Workflows webhooks
 * and the older connectors accept), a WeCom group robot (`msgtype: markdown`), or a plain object.
 *
 * @example payloadFor('slack', { text: 'done', level: 'info', fields: [] }) // { text: 'done', blocks: [...] }
 */
export function payloadFor(format: WebhookFormat, message: WebhookMessage): JsonObject {
  switch (format) {
    case 'slack':
      return slackPayload(message);
    case 'teams':
      return teamsPayload(message);
    case 'wecom':
      return wecomPayload(message);
    case 'generic':
      return genericPayload(message);
  }
}

function show(value: string | number | boolean | null): string {
  return value === null ? '' : String(value);
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function slackPayload(message: WebhookMessage): JsonObject {
  const blocks: JsonValue[] = [];
  if (message.title) {
    blocks.push({
      type: 'header',
      text: { type: 'plain_text', text: cut(`${EMOJI[message.level]}${message.title}`, SLACK.header), emoji: true },
    });
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(message.text, SLACK.section) } });
  for (let i = 0; i < message.fields.length; i += SLACK.fieldsPerSection) {
    blocks.push({
      type: 'section',
      fields: message.fields.slice(i, i + SLACK.fieldsPerSection).map(([name, value]) => ({
        type: 'mrkdwn',
        text: cut(`*${name}*\n${show(value)}`, SLACK.field),
      })),
    });
  }
  if (message.link) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${message.link.url}|${message.link.text ?? message.link.url}>` }],
    });
  }
  // `text` is what notifications and clients without Block Kit show.
  const fallback = message.title ? `${EMOJI[message.level]}${message.title}: ${message.text}` : message.text;
  return { text: fallback, blocks };
}

const TEAMS_COLOR: Record<MessageLevel, string> = {
  info: 'Default',
  success: 'Good',
  warning: 'Warning',
  error: 'Attention',
};

function teamsPayload(message: WebhookMessage): JsonObject {
  const body: JsonValue[] = [];
  if (message.title) {
    body.push({
      type: 'TextBlock',
      text: message.title,
      weight: 'Bolder',
      size: 'Medium',
      wrap: true,
      color: TEAMS_COLOR[message.level],
    });
  }
  body.push({ type: 'TextBlock', text: message.text, wrap: true });
  if (message.fields.length > 0) {
    body.push({ type: 'FactSet', facts: message.fields.map(([title, value]) => ({ title, value: show(value) })) });
  }
  const card: JsonObject = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body,
  };
  if (message.link) {
    card.actions = [{ type: 'Action.OpenUrl', title: message.link.text ?? 'Open', url: message.link.url }];
  }
  return {
    type: 'message',
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
  };
}

const WECOM_COLOR: Record<MessageLevel, string | undefined> = {
  info: undefined,
  success: 'info',
  warning: 'comment',
  error: 'warning',
};

function wecomPayload(message: WebhookMessage): JsonObject {
  const lines: string[] = [];
  if (message.title) {
    const color = WECOM_COLOR[message.level];
    const title = `**${message.title}**`;
    lines.push(color ? `<font color="${color}">${title}</font>` : title);
  }
  lines.push(message.text);
  for (const [name, value] of message.fields) lines.push(`> ${name}: ${show(value)}`);
  if (message.link) lines.push(`[${message.link.text ?? message.link.url}](${message.link.url})`);
  return { msgtype: 'markdown', markdown: { content: cutBytes(lines.join('\n'), WECOM_MAX_BYTES) } };
}

function cutBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '…';
  let out = '';
  let bytes = Buffer.byteLength(ellipsis, 'utf8');
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    out += char;
  }
  return `${out}${ellipsis}`;
}

function genericPayload(message: WebhookMessage): JsonObject {
  return {
    ...(message.title ? { title: message.title } : {}),
    text: message.text,
    level: message.level,
    fields: Object.fromEntries(message.fields),
    ...(message.link ? { link: { ...message.link } } : {}),
  };
}
