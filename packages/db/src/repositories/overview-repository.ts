import type { EntityManager } from 'typeorm';

/** Messages of one shop, channel, status and reason queued lately. */
export interface SendCount {
  shopId: string;
  channel: 'sms' | 'email';
  status: string;
  /** Why it was rejected, failed…; null for a message that went out. */
  reason: string | null;
  lastHour: number;
  lastDay: number;
}

/** A shop's credit as operators watch it. */
export interface ShopCredit {
  shopId: string;
  name: string;
  balance: number;
  lowThreshold: number;
  /** The balance is under the shop's threshold. */
  low: boolean;
}

export interface RunningCampaign {
  campaignId: string;
  shopId: string;
  name: string;
  channel: 'sms' | 'email';
  launchedAt: Date | null;
  /** Messages written by the fan-out so far. */
  recipients: number;
}

const HOUR_MS = 3600_000;

/** The SQL behind the operators' overview, across every shop. */
export const overviewRepository = {
  /**
   * One grouped pass over the messages queued in the day before `now`
   * (message_queued_idx), counting the last hour on the way.
   */
  async sendCounts(manager: EntityManager, now: Date): Promise<SendCount[]> {
    const rows: SendCount[] = await manager.query(
      `SELECT shop_id AS "shopId", channel, status, reason,
              count(*) FILTER (WHERE queued_at > $2)::int AS "lastHour",
              count(*)::int AS "lastDay"
       FROM message
       WHERE queued_at > $1
       GROUP BY shop_id, channel, status, reason
       ORDER BY shop_id, channel, status, reason NULLS FIRST`,
      [
        new Date(now.getTime() - 24 * HOUR_MS),
        new Date(now.getTime() - HOUR_MS),
      ],
    );
    return rows;
  },

  /** Campaigns whose messages are going out now (campaign_running_idx). */
  async runningCampaigns(manager: EntityManager): Promise<RunningCampaign[]> {
    return manager.query(
      `SELECT id AS "campaignId", shop_id AS "shopId", name, channel,
              launched_at AS "launchedAt", recipients
       FROM campaign WHERE status = 'running'
       ORDER BY launched_at, id`,
    );
  },

  /** The credit of the shops given, and of every shop low on credit. */
  async shopCredits(
    manager: EntityManager,
    shopIds: string[],
  ): Promise<ShopCredit[]> {
    return manager.query(
      `SELECT id AS "shopId", name, credit_balance AS balance,
              low_credit_threshold AS "lowThreshold",
              credit_balance < low_credit_threshold AS low
       FROM shop
       WHERE id = ANY($1::uuid[]) OR credit_balance < low_credit_threshold
       ORDER BY name, id`,
      [shopIds],
    );
  },

  /** How many shops are under their low-credit threshold. */
  async lowCreditShopCount(manager: EntityManager): Promise<number> {
    const rows: { count: number }[] = await manager.query(
      `SELECT count(*)::int AS count FROM shop
       WHERE credit_balance < low_credit_threshold`,
    );
    return rows[0]?.count ?? 0;
  },
};
