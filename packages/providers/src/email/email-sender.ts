import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import { translateSmtpError } from './smtp-errors';

export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when offered. */
  secure: boolean;
  user?: string | null;
  password?: string | null;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingEmail {
  /** Our message id, also used in the Message-ID header. */
  reference: string;
  from: { address: string; name?: string | null };
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
  headers?: Record<string, string>;
}

/**
 * Sends e-mails through pooled SMTP transports, one pool per distinct
 * server and account, so each shop's own server is reused across messages.
 */
export class EmailSender {
  readonly name = 'smtp';
  private readonly pools = new Map<string, Transporter>();

  constructor(private readonly options: { maxConnections?: number } = {}) {}

  async send(settings: SmtpSettings, email: OutgoingEmail): Promise<string> {
    try {
      const info = await this.transport(settings).sendMail({
        messageId: `<${email.reference}@optic-comm>`,
        from: { address: email.from.address, name: email.from.name ?? '' },
        to: email.to,
        cc: email.cc,
        bcc: email.bcc,
        subject: email.subject,
        html: email.html,
        text: email.text,
        attachments: email.attachments,
        headers: email.headers,
      });
      return String(info.messageId);
    } catch (error) {
      throw translateSmtpError(error);
    }
  }

  /** Forgets a server's pool, e.g. after the shop changed its settings. */
  forget(settings: SmtpSettings): void {
    const key = poolKey(settings);
    this.pools.get(key)?.close();
    this.pools.delete(key);
  }

  close(): void {
    for (const transport of this.pools.values()) transport.close();
    this.pools.clear();
  }

  private transport(settings: SmtpSettings): Transporter {
    const key = poolKey(settings);
    let transport = this.pools.get(key);
    if (!transport) {
      transport = nodemailer.createTransport({
        pool: true,
        maxConnections: this.options.maxConnections ?? 5,
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        auth: settings.user
          ? { user: settings.user, pass: settings.password ?? '' }
          : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
      this.pools.set(key, transport);
    }
    return transport;
  }
}

function poolKey(settings: SmtpSettings): string {
  return JSON.stringify([
    settings.host,
    settings.port,
    settings.secure,
    settings.user ?? '',
    settings.password ?? '',
  ]);
}
