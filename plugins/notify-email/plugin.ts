import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { PluginError, cancellationError, definePlugin, durationToMs } from '../sdk';
import {
  notifyEmailExamples,
  notifyEmailInputSchema,
  notifyEmailOutputSchema,
  type NotifyEmailInput,
  type NotifyEmailOutput,
} from './schema';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Secrets shorter than this are not scrubbed from messages: masking every `ab` would garble them. */
const MIN_SCRUBBED_SECRET = 4;

/** Nodemailer error codes that another attempt will not fix. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ETLS', 'EMESSAGE', 'EENVELOPE', 'EPROTOCOL']);

/**
 * `notify.email`: sends one message through an SMTP server with nodemailer: implicit TLS
 * (`secure`) or STARTTLS (required whenever a password is sent, unless `requireTLS: false`),
 * optional login, text and/or HTML bodies. Recipients the server refuses are listed in `rejected`;
 * the node fails only when none is accepted.
 *
 * Fails with `SmtpAuthFailed`, `SmtpRejected` (5xx answers), `SmtpTlsError`, `InvalidInput` (not
 * retried) and `SmtpConnectionError`, `SmtpTimeout`, `SmtpTemporaryFailure` (4xx answers; retried).
 *
 * @example
 * { id: mail, type: notify.email, with: { host: smtp.example.com, user: bot, password: "${secrets.SMTP}",
 *   from: bot@example.com, to: [ops@example.com], subject: "Deployed", text: "All good" } }
 */
export const notifyEmail = definePlugin<NotifyEmailInput, NotifyEmailOutput>({
  type: 'notify.email',
  version: '1.0.0',
  title: 'E-mail',
  description: 'Sends an e-mail through an SMTP server (TLS or STARTTLS, optional login).',
  inputSchema: notifyEmailInputSchema,
  outputSchema: notifyEmailOutputSchema,
  defaults: {
    retry: { maximumAttempts: 3, initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '2m' },
    timeout: { startToClose: '2m' },
  },
  examples: notifyEmailExamples,

  async execute(ctx, input) {
    if (input.text === undefined && input.html === undefined) throw invalidInput('give text, html or both');
    if ((input.user === undefined) !== (input.password === undefined)) {
      throw invalidInput('give user and password together, or neither');
    }
    const timeoutMs = input.timeout === undefined ? DEFAULT_TIMEOUT_MS : durationToMs(input.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0) {
      throw invalidInput('timeout must be a duration like "30s" or a positive number of milliseconds');
    }
    const secure = input.secure ?? false;
    const port = input.port ?? (secure ? 465 : 587);
    const server = `${input.host}:${port}`;
    const scrub = scrubber([input.password]);
    if (ctx.signal.aborted) throw cancellationError(ctx.signal);

    const options: SMTPTransport.Options = {
      host: input.host,
      port,
      secure,
      requireTLS: !secure && (input.requireTLS ?? input.password !== undefined),
      ...(input.user !== undefined ? { auth: { user: input.user, pass: input.password } } : {}),
      tls: {
        ...(input.caCertificate ? { ca: input.caCertificate } : {}),
        rejectUnauthorized: !(input.allowInvalidCertificates ?? false),
      },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    };
    const transport = createTransport(options);
    const mail: Mail.Options & { signal: AbortSignal } = {
      from: input.from,
      to: input.to,
      ...(input.cc !== undefined ? { cc: input.cc } : {}),
      ...(input.bcc !== undefined ? { bcc: input.bcc } : {}),
      ...(input.replyTo !== undefined ? { replyTo: input.replyTo } : {}),
      subject: input.subject,
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.html !== undefined ? { html: input.html } : {}),
      ...(input.headers ? { headers: input.headers } : {}),
      // nodemailer 8+ closes the connection when this aborts.
      signal: ctx.signal,
    };
    ctx.heartbeat({ server });
    let info: SMTPTransport.SentMessageInfo;
    try {
      info = await transport.sendMail(mail);
    } catch (err) {
      if (ctx.signal.aborted) throw cancellationError(ctx.signal);
      throw toPluginError(err, server, scrub);
    } finally {
      transport.close();
    }
    const output: NotifyEmailOutput = {
      messageId: info.messageId,
      accepted: info.accepted.map(addressOf),
      rejected: info.rejected.map(addressOf),
      response: scrub(info.response ?? ''),
    };
    ctx.logger.info('notify.email sent', {
      server,
      messageId: output.messageId,
      accepted: output.accepted.length,
      rejected: output.rejected.length,
    });
    return output;
  },
});

function invalidInput(message: string): PluginError {
  return new PluginError('InvalidInput', message, { retryable: false });
}

function addressOf(address: string | Mail.Address): string {
  return typeof address === 'string' ? address : (address.address ?? '');
}

function scrubber(secrets: Array<string | undefined>): (text: string) => string {
  const kept = secrets.filter((secret): secret is string => !!secret && secret.length >= MIN_SCRUBBED_SECRET);
  return (text) => kept.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** Nodemailer's error, typed by its `code` and the server's `responseCode`. */
function toPluginError(err: unknown, server: string, scrub: (text: string) => string): PluginError {
  const { code, responseCode, message, rejected } = err as {
    code?: string;
    responseCode?: number;
    message?: string;
    rejected?: unknown;
  };
  const text = scrub(typeof message === 'string' ? message : String(err));
  const details = {
    code: code ?? null,
    responseCode: responseCode ?? null,
    ...(Array.isArray(rejected) ? { rejected: rejected.map((r) => addressOf(r as string | Mail.Address)) } : {}),
  };
  const fail = (type: string, retryable: boolean): PluginError =>
    new PluginError(type, `SMTP ${server}: ${text}`, { retryable, details });

  if (code === 'EAUTH' || code === 'ENOAUTH') return fail('SmtpAuthFailed', false);
  if (code === 'ETLS' || /certificate|TLS|SSL/i.test(text)) return fail('SmtpTlsError', false);
  if (typeof responseCode === 'number' && responseCode >= 400 && responseCode < 500) {
    return fail('SmtpTemporaryFailure', true);
  }
  if (typeof responseCode === 'number' && responseCode >= 500) return fail('SmtpRejected', false);
  if (code === 'ETIMEDOUT') return fail('SmtpTimeout', true);
  if (code && PERMANENT_CODES.has(code)) return fail('SmtpRejected', false);
  return fail('SmtpConnectionError', true);
}
