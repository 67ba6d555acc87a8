import {
  DeliveryError,
  normalizeEmail,
  renderMergeFields,
} from '@optic/domain';
import type { SecretBox } from '@optic/domain';
import type { Document, Shop } from '@optic/db';
import { escapeHtml, sanitizeEmailBody } from '@optic/providers';
import type {
  DocumentStore,
  EmailAttachment,
  EmailLayout,
  EmailSender,
  SmtpSettings,
} from '@optic/providers';
import { reject } from './channel-handler';
import type {
  ChannelHandler,
  Preparation,
  SendContext,
  SendOutcome,
} from './channel-handler';
import { mergeValuesOf } from './merge-values';

export interface EmailChannelOptions {
  sender: EmailSender;
  layout: EmailLayout;
  store: DocumentStore;
  loadDocuments: (shopId: string, ids: string[]) => Promise<Document[]>;
  /** The platform's relay, for shops without their own SMTP server. */
  defaultSmtp: SmtpSettings;
  defaultFrom: string;
  secrets: SecretBox | null;
}

/** E-mail: consent, a deliverable address, MJML layout, attachments, SMTP. */
export class EmailChannel implements ChannelHandler {
  readonly channel = 'email';
  readonly provider = 'smtp';

  constructor(private readonly options: EmailChannelOptions) {}

  prepare(context: SendContext): Preparation {
    const { client, message } = context;
    if (!client) return reject('client_missing', 'the client no longer exists');
    if (!client.emailConsent) {
      return reject(
        'no_consent',
        'the client has not agreed to receive e-mails',
      );
    }
    if (!client.email)
      return reject('no_recipient', 'the client has no e-mail address');

    const address = normalizeEmail(client.email);
    if (!address.ok) {
      return reject('invalid_recipient', `address refused: ${address.reason}`);
    }

    const values = mergeValuesOf(context);
    return {
      ok: true,
      recipient: address.address,
      renderedText: renderMergeFields(stripTags(message.body), values),
      subject: renderMergeFields(message.subject ?? '', values),
      encoding: null,
      segments: null,
      credits: 0,
    };
  }

  async send(context: SendContext): Promise<SendOutcome> {
    const { message, shop } = context;
    const bodyHtml = renderMergeFields(
      sanitizeEmailBody(message.body),
      mergeValuesOf(context),
      {
        escape: escapeHtml,
      },
    );
    const { html, text } = await this.options.layout.render({
      bodyHtml,
      shopName: escapeHtml(shop.name),
      footerLines: footerOf(shop),
    });

    const providerId = await this.options.sender.send(this.smtpOf(shop), {
      reference: message.id,
      from: {
        address: shop.emailFromAddress ?? this.options.defaultFrom,
        name: shop.emailFromName ?? shop.name,
      },
      to: message.recipient!,
      ...copyOf(shop),
      subject: message.subject ?? '',
      html,
      text,
      attachments: await this.attachments(message.shopId, message.documentIds),
    });
    return { providerId, duplicate: false };
  }

  notBefore(): Date | null {
    // The legal window is the SMS one; e-mails go out when asked.
    return null;
  }

  canResendAfterCrash(): boolean {
    // SMTP has no deduplication of our reference: never resend blindly.
    return false;
  }

  private smtpOf(shop: Shop): SmtpSettings {
    if (!shop.smtpHost) return this.options.defaultSmtp;
    const password =
      shop.smtpPasswordEnc && this.options.secrets
        ? this.options.secrets.open(shop.smtpPasswordEnc)
        : null;
    return {
      host: shop.smtpHost,
      port: shop.smtpPort ?? 587,
      secure: shop.smtpSecure,
      user: shop.smtpUser,
      password,
    };
  }

  private async attachments(
    shopId: string,
    ids: string[],
  ): Promise<EmailAttachment[]> {
    if (ids.length === 0) return [];

    const documents = await this.options.loadDocuments(shopId, ids);
    if (documents.length !== ids.length) {
      throw new DeliveryError(
        'TEMPLATE_FAILED',
        'an attached document no longer exists',
        {
          channel: 'email',
          provider: this.provider,
        },
      );
    }
    return Promise.all(
      documents.map(async (document) => ({
        filename: document.name,
        contentType: document.contentType,
        content: await this.options.store.get(document.storageKey),
      })),
    );
  }
}

function copyOf(shop: Shop): { cc?: string; bcc?: string } {
  if (!shop.copyAddress || shop.copyPolicy === 'none') return {};
  return shop.copyPolicy === 'cc'
    ? { cc: shop.copyAddress }
    : { bcc: shop.copyAddress };
}

function footerOf(shop: Shop): string[] {
  const lines = [shop.name];
  if (shop.miniSiteUrl) lines.push(shop.miniSiteUrl);
  return lines.map(escapeHtml);
}

function stripTags(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .trim();
}
