import { createHash } from 'node:crypto';
import { format } from 'node:util';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { silentLogger } from '@optic/domain';
import type { DeliveryError, Logger } from '@optic/domain';
import { translateSmtpError } from './smtp-errors';

/**
 * How the connection is protected: `tls` is implicit TLS (port 465),
 * `starttls` requires STARTTLS (port 587), `opportunistic` upgrades when
 * the server offers it, `none` never encrypts (a relay on a trusted
 * network only).
 */
export type SmtpTlsMode = 'tls' | 'starttls' | 'opportunistic' | 'none';

export const SMTP_TLS_MODES: readonly SmtpTlsMode[] = [
  'tls',
  'starttls',
  'opportunistic',
  'none',
];

export interface SmtpSettings {
  host: string;
  port: number;
  /** @defaultValue `tls` when `secure` is set, else `opportunistic` */
  tlsMode?: SmtpTlsMode;
  /** @deprecated use `tlsMode: 'tls'` */
  secure?: boolean;
  user?: string | null;
  password?: string | null;
  /**
   * The name TLS checks the certificate against, when `host` is the
   * address it was resolved to. @defaultValue `host`
   */
  servername?: string;
}

/** A server and the pool it gets: one pool per key (a shop, the relay). */
export interface SmtpRoute {
  poolKey: string;
  settings: SmtpSettings;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingEmail {
  /** Our message id, also the left part of the Message-ID header. */
  reference: string;
  from: { address: string; name?: string | null };
  to: string;
  /**
   * The shop's copy: `cc` shows in the headers, `bcc` does not. Either
   * way it gets its own SMTP transaction after the client's was accepted,
   * so a retry never copies twice and a refused client copies nothing.
   */
  copy?: { mode: 'cc' | 'bcc'; address: string } | null;
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
  /** Extra headers, written as given (e.g. `List-Unsubscribe`). */
  headers?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  /** The server's reply to the client's transaction, e.g. `250 OK`. */
  response: string;
  /** What happened to the shop's copy. */
  copy: 'none' | 'sent' | 'failed';
  copyError?: DeliveryError;
}

/** What `verify` learnt from the server. */
export interface SmtpVerification {
  ok: boolean;
  /** The command that failed, e.g. `CONN`, `STARTTLS`, `AUTH PLAIN`. */
  stage?: string;
  /** The taxonomy code of the failure. */
  errorCode?: string;
  /** The server's reply code, when it answered. */
  smtpCode?: number;
  /** The failure in the server's (or the network's) words. */
  message?: string;
  /** Every line the server sent, secrets blanked out. */
  serverReplies: string[];
}

export interface EmailSenderOptions {
  /** Connections per pool. @defaultValue 5 */
  maxConnections?: number;
  /** Receives the transport's log when `debug` is on. */
  logger?: Logger;
  /**
   * Logs the whole SMTP traffic, message data included, at `debug`
   * (credentials are masked by nodemailer). Troubleshooting only.
   * @defaultValue false
   */
  debug?: boolean;
  /** @defaultValue 10000 */
  connectionTimeoutMs?: number;
  /** @defaultValue 30000 */
  socketTimeoutMs?: number;
}

interface Pool {
  fingerprint: string;
  transport: Transporter;
}

/**
 * Sends e-mails through pooled SMTP transports, one pool per route key, so
 * each shop's own server is reused across messages; a pool whose settings
 * changed (another host, password, TLS mode) is closed and rebuilt.
 */
export class EmailSender {
  readonly name = 'smtp';
  private readonly pools = new Map<string, Pool>();
  private readonly logger: Logger;

  constructor(private readonly options: EmailSenderOptions = {}) {
    this.logger = options.logger ?? silentLogger;
  }

  async send(route: SmtpRoute, email: OutgoingEmail): Promise<SendResult> {
    const secrets = secretFormsOf(route.settings);
    const transport = this.transport(route);
    const raw = await compose(email);
    const from = email.from.address;

    let response: string;
    try {
      const info = await transport.sendMail({
        envelope: { from, to: [email.to] },
        raw,
      });
      response = String(info.response ?? '');
    } catch (error) {
      throw translateSmtpError(error, secrets);
    }

    const result: SendResult = {
      messageId: messageIdOf(email),
      response,
      copy: 'none',
    };
    if (!email.copy) return result;
    try {
      await transport.sendMail({
        envelope: { from, to: [email.copy.address] },
        raw,
      });
      return { ...result, copy: 'sent' };
    } catch (error) {
      return {
        ...result,
        copy: 'failed',
        copyError: translateSmtpError(error, secrets),
      };
    }
  }

  /**
   * Connects, negotiates TLS as asked and logs in when there is a user,
   * then hangs up; reports what the server answered at each step.
   */
  async verify(settings: SmtpSettings): Promise<SmtpVerification> {
    const secrets = secretFormsOf(settings);
    const serverReplies: string[] = [];
    const transport = nodemailer.createTransport({
      ...this.transportOptions(settings),
      transactionLog: true,
      logger: replyRecorder(serverReplies, this.logger, this.options.debug),
    });
    try {
      await transport.verify();
      return { ok: true, serverReplies: redactAll(serverReplies, secrets) };
    } catch (error) {
      const translated = translateSmtpError(error, secrets);
      const raw = error as { command?: string; responseCode?: number };
      return {
        ok: false,
        stage: raw.command ?? 'CONN',
        errorCode: translated.code,
        smtpCode: raw.responseCode,
        message: translated.message,
        serverReplies: redactAll(serverReplies, secrets),
      };
    } finally {
      transport.close();
    }
  }

  /** Closes a route's pool, e.g. when a shop removed its own server. */
  forget(poolKey: string): void {
    this.pools.get(poolKey)?.transport.close();
    this.pools.delete(poolKey);
  }

  close(): void {
    for (const pool of this.pools.values()) pool.transport.close();
    this.pools.clear();
  }

  private transport(route: SmtpRoute): Transporter {
    const fingerprint = fingerprintOf(route.settings);
    const existing = this.pools.get(route.poolKey);
    if (existing?.fingerprint === fingerprint) return existing.transport;

    existing?.transport.close();
    const transport = nodemailer.createTransport({
      pool: true,
      maxConnections: this.options.maxConnections ?? 5,
      ...this.transportOptions(route.settings),
    });
    this.pools.set(route.poolKey, { fingerprint, transport });
    this.logger.debug('smtp pool created', {
      poolKey: route.poolKey,
      host: route.settings.host,
      port: route.settings.port,
    });
    return transport;
  }

  private transportOptions(settings: SmtpSettings) {
    const mode = tlsModeOf(settings);
    return {
      host: settings.host,
      port: settings.port,
      servername: settings.servername,
      secure: mode === 'tls',
      requireTLS: mode === 'starttls',
      ignoreTLS: mode === 'none',
      auth: settings.user
        ? { user: settings.user, pass: settings.password ?? '' }
        : undefined,
      connectionTimeout: this.options.connectionTimeoutMs ?? 10_000,
      greetingTimeout: this.options.connectionTimeoutMs ?? 10_000,
      socketTimeout: this.options.socketTimeoutMs ?? 30_000,
      // Content comes from our buffers only: never a path or URL.
      disableFileAccess: true,
      disableUrlAccess: true,
      debug: this.options.debug ?? false,
      logger: this.options.debug ? transportLogger(this.logger) : false,
    };
  }
}

/** The mode a settings object asks for, old `secure` flag included. */
export function tlsModeOf(settings: SmtpSettings): SmtpTlsMode {
  return settings.tlsMode ?? (settings.secure ? 'tls' : 'opportunistic');
}

async function compose(email: OutgoingEmail): Promise<Buffer> {
  const headers = Object.entries(email.headers ?? {}).map(([key, value]) => ({
    key,
    value: { prepared: true, value },
  }));
  const composer = new MailComposer({
    messageId: messageIdOf(email),
    from: { address: email.from.address, name: email.from.name ?? '' },
    to: email.to,
    cc: email.copy?.mode === 'cc' ? email.copy.address : undefined,
    subject: email.subject,
    html: email.html,
    text: email.text,
    attachments: email.attachments,
    headers,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}

function messageIdOf(email: OutgoingEmail): string {
  const domain = email.from.address.split('@').pop() || 'optic-comm';
  return `<${email.reference}@${domain}>`;
}

function fingerprintOf(settings: SmtpSettings): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        settings.host,
        settings.servername ?? '',
        settings.port,
        tlsModeOf(settings),
        settings.user ?? '',
        settings.password ?? '',
      ]),
    )
    .digest('hex');
}

/**
 * The password as it may travel: in clear, and base64 as AUTH LOGIN and
 * AUTH PLAIN send it.
 */
export function secretFormsOf(settings: SmtpSettings): string[] {
  const password = settings.password ?? '';
  if (!password) return [];
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  return [
    password,
    b64(password),
    b64(`\u0000${settings.user ?? ''}\u0000${password}`),
  ];
}

function redactAll(lines: string[], secrets: string[]): string[] {
  return lines.map((line) =>
    secrets.reduce(
      (text, secret) => text.split(secret).join('[redacted]'),
      line,
    ),
  );
}

type LogMethod = (
  entry: unknown,
  message?: unknown,
  ...args: unknown[]
) => void;

/** Nodemailer's bunyan-style calls, sent to our logger at `debug`. */
function transportLogger(logger: Logger): Record<string, LogMethod> {
  const log: LogMethod = (entry, message, ...args) => {
    const fields = (entry ?? {}) as { tnx?: string; cid?: string };
    // In debug mode nodemailer also writes the whole message it streams
    // (headers, text, attachments) as `message` entries: never logged.
    if (fields.tnx === 'message') return;
    logger.debug('smtp transport', {
      tnx: fields.tnx,
      cid: fields.cid,
      detail: format(String(message ?? ''), ...args),
    });
  };
  return {
    trace: log,
    debug: log,
    info: log,
    warn: log,
    error: log,
    fatal: log,
  };
}

/** Keeps the server's lines of a verification, and logs like the pools. */
function replyRecorder(
  replies: string[],
  logger: Logger,
  debug = false,
): Record<string, LogMethod> {
  const forward = debug ? transportLogger(logger).debug! : () => undefined;
  const record: LogMethod = (entry, message, ...args) => {
    const fields = (entry ?? {}) as { tnx?: string };
    if (fields.tnx === 'server') {
      replies.push(format(String(message ?? ''), ...args));
    }
    forward(entry, message, ...args);
  };
  return {
    trace: record,
    debug: record,
    info: record,
    warn: record,
    error: record,
    fatal: record,
  };
}
