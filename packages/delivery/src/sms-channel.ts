import {
  countSms,
  DEFAULT_SENDING_WINDOW,
  holidayCalendarFor,
  MAX_SMS_SEGMENTS,
  nextOpening,
  normalizeMobile,
} from '@optic/domain';
import type { Shop } from '@optic/db';
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

  notBefore(context: SendContext, now: Date): Date | null {
    if (context.message.kind !== 'marketing') return null;
    const opening = nextMarketingOpening(context.shop, now);
    return opening.getTime() > now.getTime() ? opening : null;
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

/**
 * The first instant from `now` at which the shop may send marketing SMS:
 * its window (default Monday–Saturday 08:00–20:00) in its time zone, outside
 * the public holidays of its country and region.
 */
export function nextMarketingOpening(shop: Shop, now: Date): Date {
  return nextOpening(
    now,
    shop.sendingWindow ?? DEFAULT_SENDING_WINDOW,
    shop.timeZone,
    holidayCalendarFor({
      country: shop.country,
      region: shop.region ?? undefined,
    }),
  );
}
