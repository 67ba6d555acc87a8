import { countSms, MAX_SMS_SEGMENTS, normalizeMobile } from '@optic/domain';
import type { Message } from '@optic/db';
import { reject } from './channel-handler';
import type {
  ChannelHandler,
  Preparation,
  SendContext,
  SendOutcome,
} from './channel-handler';
import { renderSmsText } from './render-sms';
import type { SmsProviderRegistry } from './sms-provider-registry';

// Resend after a crash only well inside the provider's deduplication window,
// leaving room for clock drift and the time the resend itself takes.
const DEDUP_SAFETY_MARGIN_MS = 3600 * 1000;

/** SMS: consent, a valid mobile, exact parts and credits, then the provider. */
export class SmsChannel implements ChannelHandler {
  readonly channel = 'sms';

  readonly provider = 'octopush';

  constructor(private readonly providers: SmsProviderRegistry) {}

  prepare(context: SendContext): Preparation {
    const { client, shop } = context;
    if (!client) return reject('client_missing', 'the client no longer exists');
    if (!client.smsConsent) {
      return reject('no_consent', 'the client has not agreed to receive SMS');
    }
    if (!client.mobile)
      return reject('no_recipient', 'the client has no mobile');

    const mobile = normalizeMobile(client.mobile, {
      country: shop.country,
      region: shop.region ?? undefined,
    });
    if (!mobile.ok) {
      return reject('invalid_recipient', `mobile refused: ${mobile.reason}`);
    }

    const text = this.render(context);
    const count = countSms(text);
    if (count.segments === 0) return reject('empty_text', 'the SMS is empty');
    if (count.segments > MAX_SMS_SEGMENTS) {
      return reject(
        'too_long',
        `${count.segments} parts, at most ${MAX_SMS_SEGMENTS}`,
      );
    }

    return {
      ok: true,
      recipient: mobile.e164,
      renderedText: text,
      subject: null,
      encoding: count.encoding,
      segments: count.segments,
      credits: count.credits,
    };
  }

  async send(context: SendContext): Promise<SendOutcome> {
    const { message, shop } = context;
    return this.providers.forShop(shop).send({
      reference: message.id,
      to: message.recipient!,
      text: message.renderedText!,
      sender: shop.smsSender,
      kind: message.kind,
    });
  }

  canResendAfterCrash(message: Message, now: Date): boolean {
    if (!message.sendingAt) return false;
    const age = now.getTime() - message.sendingAt.getTime();
    return age < this.providers.deduplicationWindowMs - DEDUP_SAFETY_MARGIN_MS;
  }

  private render(context: SendContext): string {
    return renderSmsText({
      body: context.message.body,
      kind: context.message.kind,
      shop: context.shop,
      client: context.client,
      visit: context.visit,
    });
  }
}
