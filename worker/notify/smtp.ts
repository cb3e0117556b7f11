/**
 * One email over SMTP from the Worker (worker-mailer on cloudflare:sockets), configured by environment,
 * and what the mail server answered as an outcome: accepted, refused for good (5xx), or worth retrying
 * (4xx, a lost connection, a timeout).
 */
import { WorkerMailer, type WorkerMailerOptions } from 'worker-mailer';
import type { Env } from '../env';

export type SmtpEnv = Pick<
  Env,
  | 'SMTP_HOST'
  | 'SMTP_PORT'
  | 'SMTP_SECURE'
  | 'SMTP_STARTTLS'
  | 'SMTP_USER'
  | 'SMTP_PASSWORD'
  | 'MAIL_FROM'
>;

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers?: Record<string, string>;
}

export type SmtpOutcome =
  | { kind: 'accepted' }
  /** The server refused with a 5xx: final. */
  | { kind: 'refused'; reply: string }
  /** A 4xx, a dropped connection or a timeout: try again later. */
  | { kind: 'retry'; reply: string };

/**
 * worker-mailer 1.2.1 reads a closed socket in a loop (`if (!value) continue` on done), which spins the
 * isolate forever when a server drops the connection: no timer can fire again. Read the same way, but
 * end with an error on a closed stream, so a lost connection is an outcome (and retried).
 */
const decoder = new TextDecoder();
(
  WorkerMailer.prototype as unknown as {
    read(this: { reader: ReadableStreamDefaultReader<Uint8Array> }): Promise<string>;
  }
).read = async function read() {
  let reply = '';
  for (;;) {
    const { value, done } = await this.reader.read();
    if (done) throw new Error('the mail server closed the connection');
    if (!value) continue;
    reply += decoder.decode(value);
    if (!reply.endsWith('\n')) continue;
    const lines = reply.split(/\r?\n/);
    // A multi-line reply ("250-…") goes on until a line without the dash.
    if (!/^\d+-/.test(lines[lines.length - 2] ?? '')) return reply;
  }
};

/** A slow server must not hold an incident's alarm for worker-mailer's default 60 s. */
const TIMEOUT_MS = 10_000;

export function smtpConfigured(env: SmtpEnv): boolean {
  return Boolean(env.SMTP_HOST && env.MAIL_FROM);
}

function options(env: SmtpEnv): WorkerMailerOptions {
  const secure = env.SMTP_SECURE === 'true';
  return {
    host: env.SMTP_HOST ?? '',
    port: Number(env.SMTP_PORT || (secure ? 465 : 587)),
    secure,
    // STARTTLS is used when the server offers it, unless turned off (a local test server).
    startTls: env.SMTP_STARTTLS !== 'false',
    credentials:
      env.SMTP_USER && env.SMTP_PASSWORD
        ? { username: env.SMTP_USER, password: env.SMTP_PASSWORD }
        : undefined,
    authType: ['plain', 'login'],
    socketTimeoutMs: TIMEOUT_MS,
    responseTimeoutMs: TIMEOUT_MS,
    logLevel: 4, // LogLevel.NONE: outcomes are reported on the timeline, not the console
  };
}

/** Send one message; never throws. */
export async function sendMail(env: SmtpEnv, mail: Mail): Promise<SmtpOutcome> {
  let mailer: WorkerMailer | null = null;
  try {
    mailer = await withTimeout(WorkerMailer.connect(options(env)));
    await withTimeout(
      mailer.send({
        from: sender(env.MAIL_FROM ?? ''),
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
      }),
    );
    return { kind: 'accepted' };
  } catch (err) {
    return classify(err);
  } finally {
    if (mailer) void mailer.close().catch(() => {});
  }
}

/** The SMTP reply inside worker-mailer's error message decides: 5xx is final, anything else is retried. */
export function classify(err: unknown): SmtpOutcome {
  const message = err instanceof Error ? err.message : String(err);
  const reply = /\b([45]\d\d)[ -].*$/s.exec(message)?.[0]?.trim();
  if (reply?.startsWith('5')) return { kind: 'refused', reply: oneLine(reply) };
  if (reply) return { kind: 'retry', reply: oneLine(reply) };
  return { kind: 'retry', reply: `no answer (${oneLine(message)})` };
}

/** MAIL_FROM as "Name <address>" or a bare address. */
export function sender(from: string): { name?: string; email: string } {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return m ? { ...(m[1] ? { name: m[1] } : {}), email: m[2]!.trim() } : { email: from.trim() };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').slice(0, 300);

function withTimeout<T>(p: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the mail server stopped answering')), TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}
