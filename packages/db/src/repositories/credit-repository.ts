import type { EntityManager } from 'typeorm';
import { campaignRepository } from './campaign-repository';
import { updateReturning } from './returning';

/**
 * All movements of SMS credit. The balance on `shop` and the ledger change
 * in the same transaction, so the balance always equals the ledger's sum;
 * a CHECK constraint keeps the balance from going below zero.
 */
export const creditRepository = {
  /** Records a purchase; returns the new balance. */
  async purchase(
    manager: EntityManager,
    shopId: string,
    amount: number,
    note: string | null,
  ): Promise<number> {
    const rows = await updateReturning<{ credit_balance: number }>(
      manager,
      `UPDATE shop SET credit_balance = credit_balance + $2, updated_at = now()
       WHERE id = $1 RETURNING credit_balance`,
      [shopId, amount],
    );
    await insertEntry(manager, shopId, 'purchase', amount, null, note);
    return rows[0]!.credit_balance;
  },

  /**
   * Takes `amount` credits for a message, or nothing when the balance is
   * short. Must run inside the transaction that marks the message sending.
   */
  async debitForMessage(
    manager: EntityManager,
    shopId: string,
    messageId: string,
    amount: number,
  ): Promise<boolean> {
    const rows = await updateReturning(
      manager,
      `UPDATE shop SET credit_balance = credit_balance - $2
       WHERE id = $1 AND credit_balance >= $2 RETURNING id`,
      [shopId, amount],
    );
    if (rows.length === 0) return false;

    await insertEntry(manager, shopId, 'debit', -amount, messageId, null);
    return true;
  },

  /**
   * Gives back what a message was debited. The ledger's unique index on
   * (message, kind) makes a replayed refund a no-op.
   */
  async refundMessage(
    manager: EntityManager,
    shopId: string,
    messageId: string,
  ): Promise<number> {
    const inserted: { amount: number }[] = await manager.query(
      `INSERT INTO credit_ledger (shop_id, kind, amount, message_id, note)
       SELECT shop_id, 'refund', -amount, message_id, 'provider refused'
       FROM credit_ledger WHERE message_id = $1 AND kind = 'debit'
       ON CONFLICT (message_id, kind) WHERE message_id IS NOT NULL DO NOTHING
       RETURNING amount`,
      [messageId],
    );
    const amount = inserted[0]?.amount ?? 0;
    if (amount === 0) return 0;

    await manager.query(
      `UPDATE shop SET credit_balance = credit_balance + $2 WHERE id = $1`,
      [shopId, amount],
    );
    return amount;
  },

  /**
   * Pays for a message about to be sent: from its campaign's reservation
   * when it has one that covers it, else from the shop's balance. Returns
   * where the credits came from, or null when neither can pay.
   */
  async chargeMessage(
    manager: EntityManager,
    message: { id: string; shopId: string; campaignId: string | null },
    credits: number,
  ): Promise<'balance' | 'reservation' | null> {
    if (
      message.campaignId &&
      (await campaignRepository.consume(manager, message.campaignId, credits))
    ) {
      return 'reservation';
    }
    const paid = await this.debitForMessage(
      manager,
      message.shopId,
      message.id,
      credits,
    );
    return paid ? 'balance' : null;
  },

  /**
   * Gives back what a message was charged, to where it came from (or to
   * the shop if its campaign's reservation is closed by now); once.
   */
  async refundCharge(
    manager: EntityManager,
    messageId: string,
  ): Promise<number> {
    const rows = await updateReturning<{
      shop_id: string;
      campaign_id: string | null;
      charged_from: string | null;
      credits: number;
    }>(
      manager,
      `UPDATE message SET credits_refunded = true
       WHERE id = $1 AND NOT credits_refunded AND charged_from IS NOT NULL
       RETURNING shop_id, campaign_id, charged_from, credits`,
      [messageId],
    );
    const charge = rows[0];
    if (!charge || charge.credits === 0) return 0;

    if (charge.charged_from === 'reservation' && charge.campaign_id) {
      if (
        await campaignRepository.giveBack(
          manager,
          charge.campaign_id,
          charge.credits,
        )
      )
        return charge.credits;
      await manager.query(
        `INSERT INTO credit_ledger (shop_id, kind, amount, message_id, campaign_id, note)
         VALUES ($1, 'refund', $2, $3, $4, 'provider refused, after the campaign closed')`,
        [charge.shop_id, charge.credits, messageId, charge.campaign_id],
      );
      await manager.query(
        `UPDATE shop SET credit_balance = credit_balance + $2 WHERE id = $1`,
        [charge.shop_id, charge.credits],
      );
      return charge.credits;
    }
    return this.refundMessage(manager, charge.shop_id, messageId);
  },

  async balance(manager: EntityManager, shopId: string): Promise<number> {
    const rows: { credit_balance: number }[] = await manager.query(
      `SELECT credit_balance FROM shop WHERE id = $1`,
      [shopId],
    );
    return rows[0]?.credit_balance ?? 0;
  },

  /** Newest first, rows with an id below `before`. */
  async ledger(
    manager: EntityManager,
    shopId: string,
    before: number | null,
    limit: number,
  ): Promise<LedgerRow[]> {
    const rows: (Omit<LedgerRow, 'id'> & { id: string })[] =
      await manager.query(
        `SELECT id, kind, amount, message_id AS "messageId", campaign_id AS "campaignId",
              note, created_at AS "createdAt"
       FROM credit_ledger WHERE shop_id = $1 AND ($2::bigint IS NULL OR id < $2)
       ORDER BY id DESC LIMIT $3`,
        [shopId, before, limit],
      );
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  },

  async ledgerSum(manager: EntityManager, shopId: string): Promise<number> {
    const rows: { sum: string | null }[] = await manager.query(
      `SELECT sum(amount) AS sum FROM credit_ledger WHERE shop_id = $1`,
      [shopId],
    );
    return Number(rows[0]?.sum ?? 0);
  },
};

export interface LedgerRow {
  id: number;
  kind: string;
  amount: number;
  messageId: string | null;
  campaignId: string | null;
  note: string | null;
  createdAt: Date;
}

async function insertEntry(
  manager: EntityManager,
  shopId: string,
  kind: string,
  amount: number,
  messageId: string | null,
  note: string | null,
): Promise<void> {
  await manager.query(
    `INSERT INTO credit_ledger (shop_id, kind, amount, message_id, note)
     VALUES ($1, $2, $3, $4, $5)`,
    [shopId, kind, amount, messageId, note],
  );
}
