import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Campaign } from '../entities/campaign.entity';
import type { AudienceMember } from './campaign-audience';
import { updateReturning } from './returning';

export interface CampaignProgress {
  counts: Record<string, number>;
  total: number;
  final: number;
  /** Messages that reached a final state (or `sent`) in the last minute, per second. */
  ratePerSecond: number;
  /** When the rest should be done at that rate; null when nothing moves. */
  estimatedEnd: Date | null;
}

const DONE = [
  'sent',
  'delivered',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'unknown',
];

/**
 * The credit of a campaign is set aside at launch (one ledger row), spent
 * message by message from that reservation, and what is left goes back to
 * the shop in one ledger row when the campaign ends or is cancelled: the
 * ledger's sum stays equal to the balance throughout.
 */
export const campaignRepository = {
  /** Takes `credits` from the shop's balance for the campaign, or nothing. */
  async reserve(
    manager: EntityManager,
    campaign: Campaign,
    credits: number,
  ): Promise<{ ok: true } | { ok: false; shortfall: number }> {
    if (credits === 0) return { ok: true };
    const rows = await updateReturning<{ id: string }>(
      manager,
      `UPDATE shop SET credit_balance = credit_balance - $2
       WHERE id = $1 AND credit_balance >= $2 RETURNING id`,
      [campaign.shopId, credits],
    );
    if (rows.length === 0) {
      const balance: { credit_balance: number }[] = await manager.query(
        `SELECT credit_balance FROM shop WHERE id = $1`,
        [campaign.shopId],
      );
      return {
        ok: false,
        shortfall: credits - (balance[0]?.credit_balance ?? 0),
      };
    }

    await manager.query(
      `INSERT INTO credit_ledger (shop_id, kind, amount, campaign_id, note)
       VALUES ($1, 'reservation', $2, $3, 'campaign launch')`,
      [campaign.shopId, -credits, campaign.id],
    );
    await manager.query(
      `UPDATE campaign SET reserved_total = reserved_total + $2,
         reserved_remaining = reserved_remaining + $2 WHERE id = $1`,
      [campaign.id, credits],
    );
    return { ok: true };
  },

  /** Spends from the reservation; false when it cannot cover `credits`. */
  async consume(
    manager: EntityManager,
    campaignId: string,
    credits: number,
  ): Promise<boolean> {
    const rows = await updateReturning(
      manager,
      `UPDATE campaign SET reserved_remaining = reserved_remaining - $2
       WHERE id = $1 AND reserved_remaining >= $2
         AND status IN ('running', 'paused', 'scheduled') RETURNING id`,
      [campaignId, credits],
    );
    return rows.length > 0;
  },

  /** Puts credits back into a reservation that is still open. */
  async giveBack(
    manager: EntityManager,
    campaignId: string,
    credits: number,
  ): Promise<boolean> {
    const rows = await updateReturning(
      manager,
      `UPDATE campaign SET reserved_remaining = reserved_remaining + $2
       WHERE id = $1 AND status IN ('running', 'paused', 'scheduled') RETURNING id`,
      [campaignId, credits],
    );
    return rows.length > 0;
  },

  /** Returns what is left of the reservation to the shop; once. */
  async release(manager: EntityManager, campaignId: string): Promise<number> {
    const rows: { shop_id: string; released: number }[] = await manager.query(
      `WITH old AS (SELECT id, shop_id, reserved_remaining FROM campaign WHERE id = $1 FOR UPDATE),
            changed AS (UPDATE campaign c SET reserved_remaining = 0 FROM old
                        WHERE c.id = old.id RETURNING old.shop_id, old.reserved_remaining AS released)
       SELECT shop_id, released FROM changed`,
      [campaignId],
    );
    const row = rows[0];
    if (!row || row.released === 0) return 0;

    await manager.query(
      `UPDATE shop SET credit_balance = credit_balance + $2 WHERE id = $1`,
      [row.shop_id, row.released],
    );
    await manager.query(
      `INSERT INTO credit_ledger (shop_id, kind, amount, campaign_id, note)
       VALUES ($1, 'release', $2, $3, 'unspent reservation')`,
      [row.shop_id, row.released, campaignId],
    );
    return row.released;
  },

  /**
   * Writes one page of messages in one statement; a client who already
   * has a message in this campaign is skipped. Returns the new ids.
   */
  async insertMessages(
    manager: EntityManager,
    campaign: Campaign,
    members: AudienceMember[],
    template: { body: string; subject: string | null },
    at: Date,
  ): Promise<string[]> {
    if (members.length === 0) return [];
    const ids = members.map(() => randomUUID());
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO message (id, shop_id, client_id, channel, kind, campaign_id, template_id,
         visit_id, salesperson, subject, body, status, queued_at, updated_at)
       SELECT m.id, $2, m.client_id, $3, $4, $5, $6, m.visit_id, 'campagne', $7, $8, 'queued', $9, $9
       FROM unnest($1::uuid[], $10::uuid[], $11::uuid[]) AS m(id, client_id, visit_id)
       ON CONFLICT (campaign_id, client_id, channel) WHERE campaign_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        ids,
        campaign.shopId,
        campaign.channel,
        campaign.kind,
        campaign.id,
        campaign.templateId,
        template.subject,
        template.body,
        at,
        members.map((m) => m.clientId),
        members.map((m) => m.visitId),
      ],
    );
    return rows.map((row) => row.id);
  },

  async progress(
    manager: EntityManager,
    campaignId: string,
    now: Date,
  ): Promise<CampaignProgress> {
    const rows: { status: string; count: string; recent: string }[] =
      await manager.query(
        `SELECT status, count(*) AS count,
              count(*) FILTER (WHERE updated_at > $2) AS recent
       FROM message WHERE campaign_id = $1 GROUP BY status`,
        [campaignId, new Date(now.getTime() - 60_000)],
      );
    const counts = Object.fromEntries(
      rows.map((r) => [r.status, Number(r.count)]),
    );
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const final = rows
      .filter((r) => DONE.includes(r.status))
      .reduce((a, r) => a + Number(r.count), 0);
    const recent = rows
      .filter((r) => DONE.includes(r.status))
      .reduce((a, r) => a + Number(r.recent), 0);
    const ratePerSecond = recent / 60;
    const estimatedEnd =
      ratePerSecond > 0
        ? new Date(now.getTime() + ((total - final) / ratePerSecond) * 1000)
        : null;
    return { counts, total, final, ratePerSecond, estimatedEnd };
  },

  /** Still waiting or in progress: the campaign is not over while any remain. */
  async pendingCount(
    manager: EntityManager,
    campaignId: string,
  ): Promise<number> {
    const rows: { n: string }[] = await manager.query(
      `SELECT count(*) AS n FROM message WHERE campaign_id = $1 AND status IN ('queued', 'sending')`,
      [campaignId],
    );
    return Number(rows[0]?.n ?? 0);
  },
};

export function newCampaignId(): string {
  return randomUUID();
}
