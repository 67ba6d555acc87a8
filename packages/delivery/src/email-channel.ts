import type { EntityManager } from 'typeorm';
import { DeliveryError, normalizeEmail, silentLogger } from '@optic/domain';
import type { Logger, SecretBox } from '@optic/domain';
import { suppress } from '@optic/db';
import type { Document, Message, Shop } from '@optic/db';
import {
  guardedSmtpSettings,
  SmtpHostRefused,
  translateSmtpError,
  unsubscribeUrl,
} from '@optic/providers';
import type {
  DocumentStore,
  EmailAttachment,
  EmailLayout,
  EmailSender,
  OutgoingEmail,
  PrivateSmtpHosts,
  SmtpRoute,
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
import { messageLogFields } from './message-log-fields';
import {
  emailBodyText,
  renderEmail,
  renderEmailBody,
  renderEmailSubject,
} from './render-email';

export interface EmailChannelOptions {
  sender: EmailSender;
  layout: EmailLayout;
  store: DocumentStore;
  loadDocuments: (shopId: string, ids: string[]) => Promise<Document[]>;
  /** The platform's relay, for shops without their own SMTP server. */
  defaultSmtp: SmtpSettings;
  /** The sender address of shops that have none. */
  defaultFrom: string;
  /** Opens shops' SMTP passwords; null when no SECRET_KEY is set. */
  secrets: SecretBox | null;
  /**
   * Where marketing e-mails' one-click unsubscribe links point, and the
   * key that signs them. Without it, marketing e-mails fail (they may not
   * go out without a way to withdraw). @defaultValue null
   */
  unsubscribe?: { secret: string; baseUrl: string } | null;
  /**
   * Whether shops' own servers may be internal addresses; checked again at
   * each send, after DNS (the relay, the operator's own, never is).
   * @defaultValue `deny`
   */
  privateSmtpHosts?: PrivateSmtpHosts;
  logger?: Logger;
}

const RELAY_POOL = 'relay';

/**
 * E-mail: consent and a deliverable address, the shop's MJML layout,
 * documents attached byte for byte, the shop's own SMTP server (or the
 * platform's relay), its copy policy, and one-click unsubscribe on
 * marketing e-mails. An address the server refuses for good is suppressed.
 */
export class EmailChannel implements ChannelHandler {
  readonly channel = 'email';
  readonly provider = 'smtp';
  private readonly logger: Logger;

  constructor(private readonly options: EmailChannelOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  prepare(context: SendContext): Preparation {
    const { client, message } = context;
    if (!client) return reject('client_missing', 'the client no longer exists');
    if (!client.emailConsent) {
      return reject(
        'no_consent',
        'the client has not agreed to receive e-mails',
      );
    }
    if (!client.email) {
      return reject('no_recipient', 'the client has no e-mail address');
    }
    const address = normalizeEmail(client.email);
    if (!address.ok) {
      return reject(
        'invalid_recipient',
        `"${client.email}" is not an e-mail address (${address.reason})`,
      );
    }

    const values = mergeValuesOf(context);
    return {
      ok: true,
      recipient: address.address,
      renderedText: emailBodyText(renderEmailBody(message.body, values)),
      subject: renderEmailSubject(message.subject ?? '', values),
      encoding: null,
      segments: null,
      credits: 0,
    };
  }

  async send(context: SendContext): Promise<SendOutcome> {
    const { message, shop } = context;
    const route = await this.routeOf(shop);
    const unsubscribe = this.unsubscribeUrlOf(message);
    const rendered = await renderEmail(this.options.layout, {
      body: message.body,
      subject: message.subject ?? '',
      shop,
      client: context.client,
      visit: context.visit,
      unsubscribeUrl: unsubscribe,
    });

    const email: OutgoingEmail = {
      reference: message.id,
      from: {
        address: shop.emailFromAddress ?? this.options.defaultFrom,
        name: shop.emailFromName ?? shop.name,
      },
      to: message.recipient!,
      copy: copyOf(shop),
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      attachments: await this.attachments(message),
      headers: unsubscribe ? oneClickHeaders(unsubscribe) : undefined,
    };
    const result = await this.options.sender.send(route, email);
    if (result.copyError) {
      this.logger.warn('copy to the shop not delivered', {
        ...messageLogFields(message),
        errorCode: result.copyError.code,
        error: result.copyError.message,
      });
    }
    return { providerId: result.messageId, duplicate: false };
  }

  notBefore(): Date | null {
    // The legal window is the SMS one; e-mails go out when asked.
    return null;
  }

  canResendAfterCrash(): boolean {
    // SMTP has no deduplication of our reference: never resend blindly.
    return false;
  }

  /** A mailbox the server says does not exist gets nothing more. */
  async onPermanentFailure(
    manager: EntityManager,
    message: Message,
    error: DeliveryError,
    now: Date,
  ): Promise<void> {
    if (error.code !== 'INVALID_RECIPIENT' || !message.recipient) return;

    await suppress(manager, {
      shopId: message.shopId,
      channel: 'email',
      address: message.recipient,
      reason: 'hard_bounce',
      messageId: message.id,
      at: now,
    });
    this.logger.info('address suppressed after a permanent refusal', {
      ...messageLogFields(message),
      errorCode: error.code,
    });
  }

  private async routeOf(shop: Shop): Promise<SmtpRoute> {
    if (!shop.smtpHost) {
      return { poolKey: RELAY_POOL, settings: this.options.defaultSmtp };
    }
    const settings = await this.guarded({
      host: shop.smtpHost,
      port: shop.smtpPort ?? 587,
      tlsMode: shop.smtpTlsMode,
      user: shop.smtpUser,
      password: this.passwordOf(shop),
    });
    return { poolKey: `shop:${shop.id}`, settings };
  }

  /**
   * The shop's server as checked now: saved settings were checked when
   * saved, but the policy may have changed since and a name may now
   * resolve elsewhere. A refusal is permanent; a failed lookup is retried
   * as any unreachable server.
   */
  private async guarded(settings: SmtpSettings): Promise<SmtpSettings> {
    try {
      return await guardedSmtpSettings(
        settings,
        this.options.privateSmtpHosts ?? 'deny',
      );
    } catch (error) {
      if (!(error instanceof SmtpHostRefused)) throw translateSmtpError(error);
      throw new DeliveryError(
        'PROVIDER_REJECTED',
        `the shop's SMTP server is refused (${error.message})`,
        {
          channel: 'email',
          provider: this.provider,
          providerCode: error.code,
        },
      );
    }
  }

  private passwordOf(shop: Shop): string | null {
    if (!shop.smtpPasswordEnc) return null;
    try {
      if (!this.options.secrets) throw new Error('no SECRET_KEY');
      return this.options.secrets.open(shop.smtpPasswordEnc);
    } catch (cause) {
      throw new DeliveryError(
        'AUTH_FAILED',
        "the shop's SMTP password cannot be opened with this worker's SECRET_KEY",
        { channel: 'email', provider: this.provider, cause },
      );
    }
  }

  private unsubscribeUrlOf(message: Message): string | null {
    if (message.kind !== 'marketing') return null;

    const unsubscribe = this.options.unsubscribe;
    if (!unsubscribe) {
      throw new DeliveryError(
        'TEMPLATE_FAILED',
        'a marketing e-mail needs an unsubscribe link: UNSUBSCRIBE_SECRET is not set',
        { channel: 'email', provider: this.provider },
      );
    }
    return unsubscribeUrl(unsubscribe.baseUrl, message.id, unsubscribe.secret);
  }

  private async attachments(message: Message): Promise<EmailAttachment[]> {
    const ids = message.documentIds;
    if (ids.length === 0) return [];

    const documents = await this.options.loadDocuments(message.shopId, ids);
    const byId = new Map(documents.map((d) => [d.id, d]));
    return Promise.all(
      ids.map(async (id) => {
        const document = byId.get(id);
        if (!document) {
          throw new DeliveryError(
            'TEMPLATE_FAILED',
            `the attached document ${id} no longer exists`,
            { channel: 'email', provider: this.provider },
          );
        }
        return {
          filename: document.name,
          contentType: document.contentType,
          content: await this.contentOf(document),
        };
      }),
    );
  }

  private async contentOf(document: Document): Promise<Buffer> {
    try {
      return await this.options.store.get(document.storageKey);
    } catch (cause) {
      throw new DeliveryError(
        'TEMPLATE_FAILED',
        `the file of the attached document ${document.id} cannot be read`,
        { channel: 'email', provider: this.provider, cause },
      );
    }
  }
}

function copyOf(shop: Shop): OutgoingEmail['copy'] {
  if (!shop.copyAddress || shop.copyPolicy === 'none') return null;
  return { mode: shop.copyPolicy, address: shop.copyAddress };
}

/** RFC 8058: a mail client may unsubscribe with one POST, no page. */
function oneClickHeaders(url: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${url}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}
