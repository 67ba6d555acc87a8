import {
  composeSms,
  countSms,
  MAX_SMS_SEGMENTS,
  normalizeMobile,
  renderMergeFields,
  transliterateToGsm,
} from '@optic/domain';
import type { Message } from '@optic/db';
import type { SmsProvider } from '@optic/providers';
import { reject } from './channel-handler';
import type {
  ChannelHandler,
  Preparation,
  SendContext,
  SendOutcome,
} from './channel-handler';
import { mergeValuesOf } from './merge-values';

// Resend after a crash only well inside the provider's deduplication window,
// leaving room for clock drift and the time the resend itself takes.
const DEDUP_SAFETY_MARGIN_MS = 3600 * 1000;

/** SMS: consent, a valid mobile, exact parts and credits, then the provider. */
export class SmsChannel implements ChannelHandler {
  readonly channel = 'sms';

  constructor(private readonly provider_: SmsProvider) {}

  get provider(): string {
    return this.provider_.name;
  }

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
    return this.provider_.send({
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
    return age < this.provider_.deduplicationWindowMs - DEDUP_SAFETY_MARGIN_MS;
  }

  private render(context: SendContext): string {
    const { shop, message } = context;
    const composed = composeSms({
      body: message.body,
      header: shop.smsHeader ?? undefined,
      signature: shop.smsSignature ?? undefined,
      stopMention: shop.smsStopMention ?? undefined,
      kind: message.kind,
    });
    const text = renderMergeFields(composed, mergeValuesOf(context));
    return shop.smsTransliterate ? transliterateToGsm(text) : text;
  }
}
