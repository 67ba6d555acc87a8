import type { Clock } from '@optic/domain';

import type { SentMessage } from './message-store';
import { formatOctopushDate } from './octopush-date';
import type { ReceiptSettings, ReceiptStatus } from './sandbox-config';
import type { WebhookClient } from './webhook-client';

/** The delivery receipt callback, as documented by Octopush. */
export interface ReceiptPayload {
  channel: 'sms';
  message_id: string;
  number: string;
  status: ReceiptStatus;
  delivery_date: string;
}

/** Posts one receipt per accepted recipient after the configured delay. */
export class ReceiptDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly webhooks: WebhookClient,
    private readonly clock: Clock,
  ) {}

  schedule(message: SentMessage, settings: ReceiptSettings): void {
    const { enabled, webhookUrl, delayMs, status } = settings;

    if (!enabled || webhookUrl === null) return;

    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.postAll(message, webhookUrl, status);
    }, delayMs);
    this.timers.add(timer);
  }

  /** Forgets the receipts not yet due. */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);

    this.timers.clear();
  }

  private postAll(message: SentMessage, url: string, status: ReceiptStatus) {
    const fields = { messageId: message.ticket, channel: 'sms' };

    for (const recipient of message.recipients) {
      const payload: ReceiptPayload = {
        channel: 'sms',
        message_id: message.ticket,
        number: recipient.phone_number,
        status,
        delivery_date: formatOctopushDate(this.clock.now()),
      };

      void this.webhooks.post(url, payload, fields);
    }
  }
}
