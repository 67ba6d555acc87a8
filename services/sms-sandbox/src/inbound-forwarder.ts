import { z } from 'zod';

import type { Clock, LogFields } from '@optic/domain';

import type { MessageStore } from './message-store';
import { formatOctopushDate } from './octopush-date';
import { isInternationalNumber } from './phone-format';
import type { SandboxSettings } from './sandbox-settings';
import type { WebhookClient } from './webhook-client';

/** The body of `POST /_sandbox/inbound`: a reply a recipient "sent". */
export const inboundReplySchema = z.strictObject({
  number: z.string().refine(isInternationalNumber, 'an E.164 number'),
  text: z.string().min(1),
  message_id: z.string().min(1).optional(),
});

export type InboundReply = z.infer<typeof inboundReplySchema>;

/** The inbound SMS callback, as documented by Octopush. */
export interface ReplyPayload {
  message_id: string;
  number: string;
  text: string;
  sim_card_number: string;
  reception_date: string;
}

/** The STOP (opt-out) callback, as documented by Octopush. */
export interface StopPayload {
  message_id: string;
  number: string;
  text: string;
  stop_date: string;
}

/** What the sandbox did with an inbound reply. */
export interface InboundResult {
  message_id: string;
  stop: boolean;
}

/** The short number replies appear to reach; the documented example. */
export const SANDBOX_SIM_CARD_NUMBER = '12345';

const STOP_WORDS = new Set(['STOP', 'ARRET', 'ARRÊT']);

/** True when the whole reply, trimmed and in any case, is a STOP word. */
export function isStopWord(text: string): boolean {
  return STOP_WORDS.has(text.trim().toUpperCase());
}

/** Forwards inbound replies, and STOP words, to the configured URLs. */
export class InboundForwarder {
  constructor(
    private readonly webhooks: WebhookClient,
    private readonly clock: Clock,
    private readonly store: MessageStore,
    private readonly settings: SandboxSettings,
  ) {}

  forward(reply: InboundReply): InboundResult {
    const messageId = reply.message_id ?? this.originalTicket(reply.number);
    const date = formatOctopushDate(this.clock.now());
    const stop = isStopWord(reply.text);
    const fields = { messageId, channel: 'sms' };

    this.post(this.settings.repliesUrl, fields, {
      message_id: messageId,
      number: reply.number,
      text: reply.text,
      sim_card_number: SANDBOX_SIM_CARD_NUMBER,
      reception_date: date,
    } satisfies ReplyPayload);

    if (stop) {
      this.post(this.settings.stopUrl, fields, {
        message_id: messageId,
        number: reply.number,
        text: reply.text,
        stop_date: date,
      } satisfies StopPayload);
    }

    return { message_id: messageId, stop };
  }

  // Octopush sends the original ticket "if it's found"; empty otherwise.
  private originalTicket(number: string): string {
    return this.store.lastTo(number)?.ticket ?? '';
  }

  private post(url: string | null, fields: LogFields, payload: object): void {
    if (url !== null) void this.webhooks.post(url, payload, fields);
  }
}
