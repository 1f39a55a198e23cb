import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { PluginError } from '../sdk';
import { runPlugin } from '../sdk/testing';
import { notifyEmail } from './plugin';
import type { NotifyEmailInput } from './schema';

interface Delivered {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
}

interface TestSmtp {
  port: number;
  delivered: Delivered[];
  logins: Array<{ user: string; password: string }>;
  stop(): Promise<void>;
}

/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps every message it accepts. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}): Promise<TestSmtp> {
  const delivered: Delivered[] = [];
  const logins: Array<{ user: string; password: string }> = [];
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onAuth(auth, _session, callback) {
      logins.push({ user: auth.username ?? '', password: auth.password ?? '' });
      if (auth.username === 'bot' && auth.password === 'correct-horse-battery') return callback(null, { user: 'bot' });
      const err = Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 });
      return callback(err);
    },
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) {
        return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        delivered.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback(null, 'Ok: queued as TEST123');
      });
    },
    ...options,
  });
  // Clients that give up mid-TLS (on purpose, in these specs) surface as server errors: expected.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, delivered, logins, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let certDir: string;
let tls: { key: string; cert: string };

beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), 'notify-email-'));
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  ); // prettier-ignore
  tls = { key: readFileSync(join(certDir, 'key.pem'), 'utf8'), cert: readFileSync(join(certDir, 'cert.pem'), 'utf8') };
});

afterAll(() => rmSync(certDir, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PluginError);
    return err as PluginError;
  }
  throw new Error('expected the plugin to fail');
}

const basics = (port: number): NotifyEmailInput => ({
  host: '127.0.0.1',
  port,
  from: 'Switchyard <switchyard@ops.test>',
  to: ['ops@ops.test'],
  subject: 'Deployed web 1.4.2',
  text: 'Run r-1 finished.',
});

describe('notifyEmail', () => {
  it('sends a text message through a plain relay and reports what the server took', async () => {
    const smtp = await startSmtp();
    try {
      const output = await runPlugin(notifyEmail, {
        ...basics(smtp.port),
        to: ['ops@ops.test', 'Release <release@ops.test>'],
        cc: 'audit@ops.test',
        headers: { 'X-Switchyard-Run': 'r-1' },
      });
      expect(output).toEqual({
        messageId: expect.stringMatching(/^<.+@.+>$/),
        accepted: ['ops@ops.test', 'release@ops.test', 'audit@ops.test'],
        rejected: [],
        response: '250 Ok: queued as TEST123',
      });
      expect(smtp.delivered).toHaveLength(1);
      const [mail] = smtp.delivered;
      expect(mail.from).toBe('switchyard@ops.test');
      expect(mail.to).toEqual(['ops@ops.test', 'release@ops.test', 'audit@ops.test']);
      expect(mail.raw).toMatch(/^Subject: Deployed web 1\.4\.2\r$/m);
      expect(mail.raw).toMatch(/^From: Switchyard <switchyard@ops\.test>\r$/m);
      expect(mail.raw).toMatch(/^To: ops@ops\.test, Release <release@ops\.test>\r$/m);
      expect(mail.raw).toMatch(/^Cc: audit@ops\.test\r$/m);
      expect(mail.raw).toMatch(/^X-Switchyard-Run: r-1\r$/m);
      expect(mail.raw).toContain(`Message-ID: ${output.messageId}`);
      expect(mail.raw).toMatch(/\r\n\r\nRun r-1 finished\.(\r\n)?$/);
    } finally {
      await smtp.stop();
    }
  });

  it('logs in over STARTTLS, verifying the server against the CA given', async () => {
    const smtp = await startSmtp({ ...tls, disabledCommands: [], authOptional: false });
    try {
      await runPlugin(notifyEmail, {
        ...basics(smtp.port),
        user: 'bot',
        password: 'correct-horse-battery',
        caCertificate: tls.cert,
        text: 'plain part',
        html: '<p>rich <b>part</b></p>',
      });
      const [mail] = smtp.delivered;
      expect(mail).toMatchObject({ secure: true, user: 'bot' });
      expect(mail.raw).toMatch(/Content-Type: multipart\/alternative/);
      expect(mail.raw).toContain('plain part');
      expect(mail.raw).toContain('<p>rich <b>part</b></p>');
    } finally {
      await smtp.stop();
    }
  });

  it('speaks TLS from the first byte when secure', async () => {
    const smtp = await startSmtp({ ...tls, secure: true });
    try {
      const output = await runPlugin(notifyEmail, { ...basics(smtp.port), secure: true, caCertificate: tls.cert });
      expect(output.accepted).toEqual(['ops@ops.test']);
      expect(smtp.delivered[0].secure).toBe(true);
    } finally {
      await smtp.stop();
    }
  });

  it('never sends a password over a connection without TLS', async () => {
    const smtp = await startSmtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true, authOptional: false });
    try {
      const err = await failure(
        runPlugin(notifyEmail, { ...basics(smtp.port), user: 'bot', password: 'correct-horse-battery' }),
      );
      expect(err).toMatchObject({ type: 'SmtpTlsError', retryable: false });
      expect(err.message).toContain('STARTTLS');
      expect(smtp.logins).toEqual([]);
      expect(smtp.delivered).toEqual([]);
    } finally {
      await smtp.stop();
    }
  });

  it('refuses a certificate it cannot verify', async () => {
    const smtp = await startSmtp({ ...tls, secure: true });
    try {
      const err = await failure(runPlugin(notifyEmail, { ...basics(smtp.port), secure: true }));
      expect(err).toMatchObject({ type: 'SmtpTlsError', retryable: false });
      await runPlugin(notifyEmail, { ...basics(smtp.port), secure: true, allowInvalidCertificates: true });
      expect(smtp.delivered).toHaveLength(1);
    } finally {
      await smtp.stop();
    }
  });

  it('fails a wrong password as SmtpAuthFailed without quoting it', async () => {
    const smtp = await startSmtp({ ...tls, disabledCommands: [], authOptional: false });
    try {
      const err = await failure(
        runPlugin(notifyEmail, { ...basics(smtp.port), user: 'bot', password: 'wrong-horse', caCertificate: tls.cert }),
      );
      expect(err).toMatchObject({ type: 'SmtpAuthFailed', retryable: false });
      expect(smtp.logins).toEqual([{ user: 'bot', password: 'wrong-horse' }]);
      expect(JSON.stringify({ message: err.message, details: err.details })).not.toContain('wrong-horse');
    } finally {
      await smtp.stop();
    }
  });

  it('lists refused recipients and fails only when none is accepted', async () => {
    const smtp = await startSmtp();
    try {
      const output = await runPlugin(notifyEmail, {
        ...basics(smtp.port),
        to: ['ops@ops.test', 'nobody@ops.test'],
      });
      expect(output).toMatchObject({ accepted: ['ops@ops.test'], rejected: ['nobody@ops.test'] });
      expect(smtp.delivered[0].to).toEqual(['ops@ops.test']);

      const err = await failure(runPlugin(notifyEmail, { ...basics(smtp.port), to: 'nobody@ops.test' }));
      expect(err).toMatchObject({ type: 'SmtpRejected', retryable: false });
      expect(err.message).toContain('No such user here');
    } finally {
      await smtp.stop();
    }
  });

  it('retries a temporary (4xx) refusal', async () => {
    const smtp = await startSmtp({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
      },
    });
    try {
      const err = await failure(runPlugin(notifyEmail, basics(smtp.port)));
      expect(err).toMatchObject({ type: 'SmtpTemporaryFailure', retryable: true, details: { responseCode: 451 } });
    } finally {
      await smtp.stop();
    }
  });

  it('fails a closed port as a retryable connection error and a silent server as a timeout', async () => {
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const closed = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    await expect(runPlugin(notifyEmail, basics(closed))).rejects.toMatchObject({
      type: 'SmtpConnectionError',
      retryable: true,
    });

    const silent: NetServer = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const started = Date.now();
      await expect(runPlugin(notifyEmail, { ...basics(port), timeout: '300ms' })).rejects.toMatchObject({
        type: 'SmtpTimeout',
        retryable: true,
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('stops when cancelled mid-send', async () => {
    const smtp = await startSmtp({ onData: (stream) => stream.resume() });
    try {
      const controller = new AbortController();
      const reason = new Error('node cancelled');
      const pending = runPlugin(notifyEmail, basics(smtp.port), { signal: controller.signal });
      setTimeout(() => controller.abort(reason), 200);
      const started = Date.now();
      await expect(pending).rejects.toBe(reason);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await smtp.stop();
    }
  });

  it('has a schema that wants a body, and an address without line breaks', async () => {
    const { text: _text, ...noBody } = basics(25);
    await expect(runPlugin(notifyEmail, noBody)).rejects.toThrow(/with\.text: is required/);
    await expect(runPlugin(notifyEmail, { ...basics(25), subject: 'a\r\nBcc: evil@x' })).rejects.toThrow(
      /with\.subject: must match pattern/,
    );
  });
});
