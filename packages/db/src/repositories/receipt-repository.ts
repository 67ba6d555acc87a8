import type { EntityManager } from 'typeorm';
import { messageRepository } from './message-repository';
import { updateReturning } from './returning';

export type ReceiptOutcome = 'delivered' | 'failed' | 'pending';

export interface IncomingReceipt {
  provider: string;
  /** The provider's id of the send (Octopush's ticket). */
  providerId: string;
  number: string;
  /** The provider's own status word, kept for the history. */
  status: string;
  outcome: ReceiptOutcome;
  occurredAt: Date;
}

/**
 * Delivery receipts. Every receipt is stored, even one that arrives before
 * its send is recorded, and the message's state is derived from all the
 * receipts of its send: any failure wins (a multi-part SMS with one part
 * lost is not delivered), a final state never goes back to `sent`, and a
 * duplicate changes nothing.
 */
export const receiptRepository = {
  /** Stores a receipt and applies it; returns the message it moved, if any. */
  async record(
    manager: EntityManager,
    receipt: IncomingReceipt,
    now: Date,
  ): Promise<string | null> {
    await lockSend(manager, receipt.provider, receipt.providerId);

    const messages: { id: string }[] = await manager.query(
      `SELECT id FROM message WHERE provider = $1 AND provider_id = $2`,
      [receipt.provider, receipt.providerId],
    );
    const messageId = messages[0]?.id ?? null;
    await manager.query(
      `INSERT INTO sms_receipt (provider, provider_id, number, status, outcome,
         occurred_at, received_at, message_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [
        receipt.provider,
        receipt.providerId,
        receipt.number,
        receipt.status,
        receipt.outcome,
        receipt.occurredAt,
        now,
        messageId,
      ],
    );
    if (messageId) await applyReceipts(manager, messageId, now);
    return messageId;
  },

  /**
   * Called in the transaction that records a send: links receipts that
   * arrived first, and applies them.
   */
  async attachEarly(
    manager: EntityManager,
    provider: string,
    providerId: string,
    messageId: string,
    now: Date,
  ): Promise<void> {
    await lockSend(manager, provider, providerId);
    const attached = await updateReturning(
      manager,
      `UPDATE sms_receipt SET message_id = $3
       WHERE provider = $1 AND provider_id = $2 AND message_id IS NULL RETURNING id`,
      [provider, providerId, messageId],
    );
    if (attached.length > 0) await applyReceipts(manager, messageId, now);
  },
};

/**
 * Receipts of one send and the record of that send take the same lock, so
 * a receipt can never slip between "not recorded yet" and "recorded".
 */
async function lockSend(
  manager: EntityManager,
  provider: string,
  providerId: string,
): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
    `${provider}:${providerId}`,
  ]);
}

async function applyReceipts(
  manager: EntityManager,
  messageId: string,
  now: Date,
): Promise<void> {
  const rows: { failed: boolean; delivered: boolean; codes: string | null }[] =
    await manager.query(
      `SELECT bool_or(outcome = 'failed') AS failed, bool_or(outcome = 'delivered') AS delivered,
            string_agg(DISTINCT status, ', ') FILTER (WHERE outcome = 'failed') AS codes
     FROM sms_receipt WHERE message_id = $1`,
      [messageId],
    );
  const summary = rows[0];
  if (!summary) return;

  if (summary.failed) {
    // An undelivered SMS is not refunded: the network charged it.
    await messageRepository.transition(
      manager,
      messageId,
      ['sent', 'delivered', 'expired'],
      'failed',
      now,
      {
        reason: 'undelivered',
        error: `receipt: ${summary.codes}`,
      },
    );
  } else if (summary.delivered) {
    await messageRepository.transition(
      manager,
      messageId,
      ['sent', 'expired'],
      'delivered',
      now,
    );
  }
}
