import type { LogFields } from '@optic/domain';
import type { Message } from '@optic/db';
import { messageJobId } from '@optic/queue';

/**
 * The fixed keys of every log line about one message, so that searching
 * for any of them finds its whole story: its job (derived from the message
 * id, whoever enqueued it), its shop, its campaign (null for a counter
 * send) and the provider call it is at, numbered as in the history.
 */
export function messageLogFields(
  message: Pick<Message, 'id' | 'shopId' | 'campaignId' | 'attempts'>,
): LogFields {
  return {
    jobId: messageJobId(message.id),
    messageId: message.id,
    shopId: message.shopId,
    campaignId: message.campaignId,
    attempt: message.attempts,
  };
}
