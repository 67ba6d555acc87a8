import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { updateReturning } from './returning';

export type ConsentChannel = 'sms' | 'email';

/**
 * How a consent was given or withdrawn: at the counter, on a signed paper
 * form, on the shop's web form, by replying STOP, by the one-click
 * unsubscribe link, or by a CSV import from the practice application.
 */
export const CONSENT_SOURCES = [
  'in_shop',
  'signed_form',
  'web_form',
  'reply_stop',
  'unsubscribe_link',
  'import',
] as const;

export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/**
 * Withdrawals the client made themselves, from the message: only a new
 * consent given in the shop or on a form may undo them, never an import.
 */
export const CLIENT_OPT_OUT_SOURCES: readonly string[] = [
  'reply_stop',
  'unsubscribe_link',
];

/** Why an address is on the suppression list. */
export const SUPPRESSION_REASONS = [
  'reply_stop',
  'unsubscribe',
  'hard_bounce',
  'complaint',
  'manual',
] as const;

export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** One giving or withdrawal of consent, as recorded for audits. */
export interface ConsentChange {
  shopId: string;
  clientId: string;
  channel: ConsentChannel;
  /** How: one of {@link CONSENT_SOURCES}. */
  source: string;
  /** Who: a salesperson's name, or `system`. */
  actor: string;
  /** The message replied to or unsubscribed from, if any. */
  messageId?: string | null;
  /** When it happened; a change older than the client's current state is kept in the trail only. */
  at: Date;
}

export interface ConsentOutcome {
  eventId: string;
  /** False when a later change already decides the client's state. */
  current: boolean;
  /** Messages of that channel that were waiting and are now `rejected`. */
  rejectedMessageIds: string[];
}

/** A consent event as the API shows it. */
export interface ConsentEventRow {
  id: string;
  channel: ConsentChannel;
  granted: boolean;
  source: string;
  actor: string;
  messageId: string | null;
  occurredAt: Date;
}

const CONSENT_COLUMNS = {
  sms: {
    flag: 'sms_consent',
    at: 'sms_consent_at',
    source: 'sms_consent_source',
  },
  email: {
    flag: 'email_consent',
    at: 'email_consent_at',
    source: 'email_consent_source',
  },
} as const;

/**
 * Records a consent event and, unless a later change already decides it,
 * sets the client's state for that channel; a withdrawal also rejects every
 * `queued` message of that channel to the client (reason
 * `consent_withdrawn`), including those waiting for the sending window.
 * Runs in one transaction (a savepoint inside the caller's).
 */
export async function recordConsent(
  manager: EntityManager,
  change: ConsentChange & { granted: boolean },
): Promise<ConsentOutcome> {
  return manager.transaction(async (tx) => {
    const eventId = randomUUID();
    await tx.query(
      `INSERT INTO consent_event (id, shop_id, client_id, channel, granted,
         source, actor, message_id, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        eventId,
        change.shopId,
        change.clientId,
        change.channel,
        change.granted,
        change.source,
        change.actor,
        change.messageId ?? null,
        change.at,
      ],
    );

    const current = await applyToClient(tx, change);
    const rejectedMessageIds =
      current && !change.granted
        ? await rejectWaitingMessages(tx, [change.clientId], change)
        : [];
    return { eventId, current, rejectedMessageIds };
  });
}

/**
 * Withdraws a client's consent to a channel: records the event with its
 * source and actor, updates the client, and rejects that client's queued
 * messages of the channel (`consent_withdrawn`), in one transaction. The
 * inbound STOP webhook calls it with `source: 'reply_stop'`,
 * `actor: 'system'` and the message replied to.
 *
 * @example
 * await withdrawConsent(manager, { shopId, clientId, channel: 'sms',
 *   source: 'reply_stop', actor: 'system', messageId, at: clock.now() });
 */
export async function withdrawConsent(
  manager: EntityManager,
  change: ConsentChange,
): Promise<ConsentOutcome> {
  return recordConsent(manager, { ...change, granted: false });
}

/** Gives a client's consent to a channel, with its proof. */
export async function grantConsent(
  manager: EntityManager,
  change: ConsentChange,
): Promise<ConsentOutcome> {
  return recordConsent(manager, { ...change, granted: true });
}

async function applyToClient(
  manager: EntityManager,
  change: ConsentChange & { granted: boolean },
): Promise<boolean> {
  const column = CONSENT_COLUMNS[change.channel];
  const rows = await updateReturning(
    manager,
    `UPDATE client SET ${column.flag} = $3, ${column.at} = $4,
       ${column.source} = $5, updated_at = greatest(updated_at, $4)
     WHERE id = $1 AND shop_id = $2
       AND (${column.at} IS NULL OR ${column.at} <= $4)
     RETURNING id`,
    [change.clientId, change.shopId, change.granted, change.at, change.source],
  );
  return rows.length > 0;
}

/**
 * Rejects the queued messages of a channel to these clients. A job still
 * in Redis then finds its message past `queued` and does nothing.
 */
export async function rejectWaitingMessages(
  manager: EntityManager,
  clientIds: string[],
  change: { channel: ConsentChannel; source: string; at: Date },
): Promise<string[]> {
  if (clientIds.length === 0) return [];

  const what = change.channel === 'sms' ? 'SMS' : 'e-mail';
  const rows = await updateReturning<{ id: string }>(
    manager,
    `UPDATE message SET status = 'rejected', reason = 'consent_withdrawn',
       error = $3, rejected_at = $4, updated_at = $4
     WHERE client_id = ANY($1) AND channel = $2 AND status = 'queued'
     RETURNING id`,
    [
      clientIds,
      change.channel,
      `the client withdrew ${what} consent (${change.source})`,
      change.at,
    ],
  );
  return rows.map((row) => row.id);
}

/** An address to put on the suppression list. */
export interface SuppressionEntry {
  shopId: string;
  channel: ConsentChannel;
  /** E.164 number or normalised e-mail address, as the send path compares it. */
  address: string;
  reason: SuppressionReason;
  at: Date;
  /** Who added it by hand; omit for automatic entries. */
  actor?: string | null;
  /** The reply, bounce or send that caused it. */
  messageId?: string | null;
}

/**
 * Puts an address on the shop's suppression list; nothing is sent to it
 * afterwards, whatever any client record says. Idempotent: an address
 * already listed keeps its first entry (`created: false`).
 */
export async function suppress(
  manager: EntityManager,
  entry: SuppressionEntry,
): Promise<{ id: string; created: boolean }> {
  const inserted: { id: string }[] = await manager.query(
    `INSERT INTO suppression (id, shop_id, channel, address, reason,
       created_by, message_id, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (shop_id, channel, address) DO NOTHING
     RETURNING id`,
    [
      randomUUID(),
      entry.shopId,
      entry.channel,
      entry.address,
      entry.reason,
      entry.actor ?? null,
      entry.messageId ?? null,
      entry.at,
    ],
  );
  if (inserted[0]) return { id: inserted[0].id, created: true };

  const existing: { id: string }[] = await manager.query(
    `SELECT id FROM suppression WHERE shop_id = $1 AND channel = $2 AND address = $3`,
    [entry.shopId, entry.channel, entry.address],
  );
  return { id: existing[0]!.id, created: false };
}

/**
 * What an inbound STOP or an unsubscribe click does, in one transaction:
 * suppresses the address and withdraws the consent of the client it came
 * from (when known). Other clients sharing the address are blocked by the
 * suppression; their own consent is theirs and stays as recorded.
 */
export async function recordOptOut(
  manager: EntityManager,
  optOut: {
    shopId: string;
    channel: ConsentChannel;
    address: string;
    clientId: string | null;
    source: 'reply_stop' | 'unsubscribe_link';
    messageId?: string | null;
    at: Date;
  },
): Promise<{ suppressionId: string; consent: ConsentOutcome | null }> {
  return manager.transaction(async (tx) => {
    const { id } = await suppress(tx, {
      shopId: optOut.shopId,
      channel: optOut.channel,
      address: optOut.address,
      reason: optOut.source === 'reply_stop' ? 'reply_stop' : 'unsubscribe',
      messageId: optOut.messageId,
      at: optOut.at,
    });
    const consent = optOut.clientId
      ? await withdrawConsent(tx, {
          shopId: optOut.shopId,
          clientId: optOut.clientId,
          channel: optOut.channel,
          source: optOut.source,
          actor: 'system',
          messageId: optOut.messageId,
          at: optOut.at,
        })
      : null;
    return { suppressionId: id, consent };
  });
}

export const consentRepository = {
  /** Every consent event of a client, newest first. */
  async trail(
    manager: EntityManager,
    shopId: string,
    clientId: string,
  ): Promise<ConsentEventRow[]> {
    const rows: {
      id: string;
      channel: ConsentChannel;
      granted: boolean;
      source: string;
      actor: string;
      message_id: string | null;
      occurred_at: Date;
    }[] = await manager.query(
      `SELECT id, channel, granted, source, actor, message_id, occurred_at
       FROM consent_event WHERE shop_id = $1 AND client_id = $2
       ORDER BY occurred_at DESC, id DESC`,
      [shopId, clientId],
    );
    return rows.map((row) => ({
      id: row.id,
      channel: row.channel,
      granted: row.granted,
      source: row.source,
      actor: row.actor,
      messageId: row.message_id,
      occurredAt: row.occurred_at,
    }));
  },
};
