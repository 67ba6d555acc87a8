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
 * How a receipt found its message: by its ticket; by the one SMS to its
 * number sent without a ticket (see {@link receiptRepository.record});
 * not at all because several such SMS could be it; or not at all.
 */
export type ReceiptMatch = 'ticket' | 'ticketless' | 'ambiguous' | 'none';

export interface RecordedReceipt {
  /** The message the receipt belongs to, when one was found. */
  messageId: string | null;
  match: ReceiptMatch;
  /** The ticketless SMS it could belong to, when `ambiguous`. */
  candidates: string[];
}

// A ticketless SMS older than this is no candidate. It equals the default
// of SMS_RECEIPT_TIMEOUT_HOURS, after which the sweeper expires `sent`
// messages anyway; a shorter timeout narrows the window further.
const TICKETLESS_WINDOW_MS = 72 * 3_600_000;

/**
 * Delivery receipts. Every receipt is stored, even one that arrives before
 * its send is recorded, and the message's state is derived from all the
 * receipts of its send: any failure wins (a multi-part SMS with one part
 * lost is not delivered), a final state never goes back to `sent`, and a
 * duplicate changes nothing.
 */
export const receiptRepository = {
  /**
   * Stores a receipt and applies it. A ticket of no message may be one
   * whose record was lost: a worker killed after Octopush accepted an SMS
   * resends it, Octopush answers "already seen" (120) without the ticket,
   * and the SMS is recorded `sent` without one. The receipt then goes to
   * the only `sent`, ticketless SMS of the same provider to its number in
   * the last 72 hours, which takes the ticket; with several such SMS it
   * cannot tell which, and stays unattached. Callbacks carry no account,
   * so every shop's SMS are candidates.
   */
  async record(
    manager: EntityManager,
    receipt: IncomingReceipt,
    now: Date,
  ): Promise<RecordedReceipt> {
    await lockSend(manager, receipt.provider, receipt.providerId);

    const messages: { id: string }[] = await manager.query(
      `SELECT id FROM message WHERE provider = $1 AND provider_id = $2`,
      [receipt.provider, receipt.providerId],
    );
    const found = messages[0]
      ? recorded(messages[0].id, 'ticket')
      : await adoptTicketless(manager, receipt, now);
    const messageId = found.messageId;
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
    // Earlier receipts of an adopted ticket (an ACK, say) were stored alone.
    if (found.match === 'ticketless')
      await linkReceipts(
        manager,
        receipt.provider,
        receipt.providerId,
        messageId!,
      );
    if (messageId) await applyReceipts(manager, messageId, now);
    return found;
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
    const attached = await linkReceipts(
      manager,
      provider,
      providerId,
      messageId,
    );
    if (attached > 0) await applyReceipts(manager, messageId, now);
  },

  /**
   * Called in the transaction that records an SMS sent without a ticket
   * (its resend was refused as already seen): receipts of its first send
   * may have arrived meanwhile and matched nothing. They are its own when
   * they all carry one ticket no message has, for its number, and no other
   * ticketless SMS to that number could claim them.
   */
  async adoptOrphans(
    manager: EntityManager,
    provider: string,
    message: { id: string; recipient: string | null },
    now: Date,
  ): Promise<boolean> {
    if (!message.recipient) return false;
    const since = new Date(now.getTime() - TICKETLESS_WINDOW_MS);
    const tickets = await orphanTickets(
      manager,
      provider,
      message.recipient,
      since,
    );
    if (tickets.length !== 1) return false;
    if (await otherTicketless(manager, provider, message, since)) return false;

    const ticket = tickets[0]!;
    await lockSend(manager, provider, ticket);
    await manager.query(
      `UPDATE message SET provider_id = $2, updated_at = $3 WHERE id = $1`,
      [message.id, ticket, now],
    );
    await linkReceipts(manager, provider, ticket, message.id);
    await applyReceipts(manager, message.id, now);
    return true;
  },
};

/** Tickets of unattached receipts to `recipient` that no message carries. */
async function orphanTickets(
  manager: EntityManager,
  provider: string,
  recipient: string,
  since: Date,
): Promise<string[]> {
  const rows: { provider_id: string }[] = await manager.query(
    `SELECT DISTINCT r.provider_id FROM sms_receipt r
     WHERE r.provider = $1 AND r.message_id IS NULL AND r.received_at > $3
       AND '+' || regexp_replace(r.number, '\\D', '', 'g') = $2
       AND NOT EXISTS (SELECT 1 FROM message m
                       WHERE m.provider = r.provider
                         AND m.provider_id = r.provider_id)
     LIMIT 2`,
    [provider, recipient, since],
  );
  return rows.map((row) => row.provider_id);
}

async function otherTicketless(
  manager: EntityManager,
  provider: string,
  message: { id: string; recipient: string | null },
  since: Date,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `SELECT 1 FROM message
     WHERE status = 'sent' AND sent_at > $1 AND channel = 'sms'
       AND provider = $2 AND provider_id IS NULL AND recipient = $3
       AND id <> $4
     LIMIT 1`,
    [since, provider, message.recipient, message.id],
  );
  return rows.length > 0;
}

function recorded(
  messageId: string | null,
  match: ReceiptMatch,
  candidates: string[] = [],
): RecordedReceipt {
  return { messageId, match, candidates };
}

/**
 * Gives the receipt's ticket to the one ticketless SMS it can be for. The
 * rows are locked, and one adopted meanwhile by a receipt of another
 * ticket no longer qualifies once that receipt commits.
 */
async function adoptTicketless(
  manager: EntityManager,
  receipt: IncomingReceipt,
  now: Date,
): Promise<RecordedReceipt> {
  // An SMS still `sending` to the number may be the receipt's own (its
  // worker died after the provider accepted): it is a candidate too, and
  // takes its receipts itself when its resend is recorded (adoptOrphans).
  const candidates: { id: string; status: string }[] = await manager.query(
    `SELECT id, status FROM message
     WHERE channel = 'sms' AND provider_id IS NULL AND recipient = $3
       AND ((status = 'sent' AND sent_at > $1 AND provider = $2)
            OR status = 'sending')
     ORDER BY id LIMIT 2 FOR UPDATE`,
    [
      new Date(now.getTime() - TICKETLESS_WINDOW_MS),
      receipt.provider,
      e164(receipt.number),
    ],
  );
  const ids = candidates.map((c) => c.id);
  if (ids.length > 1) return recorded(null, 'ambiguous', ids);
  if (!ids[0] || candidates[0]!.status !== 'sent')
    return recorded(null, 'none');

  await manager.query(
    `UPDATE message SET provider_id = $2, updated_at = $3 WHERE id = $1`,
    [ids[0], receipt.providerId, now],
  );
  return recorded(ids[0], 'ticketless');
}

/** Numbers are stored in E.164; a provider may drop the `+` or space them. */
function e164(number: string): string {
  return `+${number.replace(/\D/g, '')}`;
}

async function linkReceipts(
  manager: EntityManager,
  provider: string,
  providerId: string,
  messageId: string,
): Promise<number> {
  const linked = await updateReturning(
    manager,
    `UPDATE sms_receipt SET message_id = $3
     WHERE provider = $1 AND provider_id = $2 AND message_id IS NULL RETURNING id`,
    [provider, providerId, messageId],
  );
  return linked.length;
}

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
