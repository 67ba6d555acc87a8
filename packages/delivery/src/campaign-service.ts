import type { DataSource } from 'typeorm';
import { countSms, silentLogger } from '@optic/domain';
import type { Clock, Logger } from '@optic/domain';
import {
  audiencePage,
  Campaign,
  campaignRepository,
  Client,
  Shop,
  Template,
  Visit,
} from '@optic/db';
import type { AudienceDefinition, ExclusionReason } from '@optic/db';
import type { CampaignQueue, MessageProducer } from '@optic/queue';
import { In } from 'typeorm';
import { renderSmsText } from './render-sms';

const PAGE = 1000;

export interface CampaignPreview {
  recipients: number;
  excluded: Record<ExclusionReason, number>;
  /** SMS only: parts and credits summed over every recipient's own text. */
  segments: number;
  credits: number;
}

/** Refusals a caller turns into 4xx answers. */
export class CampaignError extends Error {
  override readonly name = 'CampaignError';
  constructor(
    readonly code:
      | 'empty_audience'
      | 'insufficient_credit'
      | 'not_launchable'
      | 'wrong_state'
      | 'nothing_to_retry',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Campaigns: preview, launch with one reservation, a fan-out that writes
 * and enqueues messages page by page from a saved cursor, pause, resume,
 * cancel, retry of failures, and completion with the release of unspent
 * credit. Shared by the API and the campaign worker.
 */
export class CampaignService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: MessageProducer,
    private readonly fanouts: CampaignQueue,
    private readonly clock: Clock,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Who would get it, who would not and why, and for SMS the exact cost. */
  async preview(campaign: Campaign): Promise<CampaignPreview> {
    const { shop, template } = await this.load(campaign);
    const preview: CampaignPreview = {
      recipients: 0,
      excluded: { no_consent: 0, no_recipient: 0, suppressed: 0 },
      segments: 0,
      credits: 0,
    };

    await this.forEachPage(campaign, shop, async (members) => {
      const included = members.filter((m) => !m.excluded);
      for (const member of members)
        if (member.excluded) preview.excluded[member.excluded] += 1;
      preview.recipients += included.length;
      if (campaign.channel !== 'sms') return;

      const cost = await this.smsCost(shop, template, campaign.kind, included);
      preview.segments += cost;
      preview.credits += cost;
    });
    return preview;
  }

  /**
   * Reserves the campaign's credit in one step and starts (or schedules)
   * its fan-out. Launching a campaign that is not a draft changes nothing.
   */
  async launch(campaignId: string, at: Date | null): Promise<Campaign> {
    const campaign = await this.get(campaignId);
    if (campaign.status !== 'draft') return campaign;

    const preview = await this.preview(campaign);
    if (preview.recipients === 0)
      throw new CampaignError(
        'empty_audience',
        'the audience has no recipient',
      );

    const now = this.clock.now();
    const scheduled = at && at.getTime() > now.getTime();
    const launched = await this.markLaunched(
      campaign,
      scheduled ? at : null,
      now,
      preview.credits,
    );
    if (!launched) return this.get(campaign.id);

    await this.fanouts.startFanout(
      campaign.id,
      scheduled ? at!.getTime() - now.getTime() : 0,
    );
    this.logger.info('campaign launched', {
      campaignId: campaign.id,
      shopId: campaign.shopId,
      credits: preview.credits,
    });
    return this.get(campaign.id);
  }

  /**
   * In one transaction, moves the draft to `scheduled` (with `scheduledAt`)
   * or `running`, and reserves `credits`; false when another launch moved
   * it first. A reservation short of credit rolls the move back.
   */
  private async markLaunched(
    campaign: Campaign,
    scheduledAt: Date | null,
    now: Date,
    credits: number,
  ): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const moved: unknown[] = await manager.query(
        `WITH changed AS (UPDATE campaign SET status = $2, scheduled_at = $3, launched_at = $4, updated_at = $4
                          WHERE id = $1 AND status = 'draft' RETURNING id) SELECT id FROM changed`,
        [campaign.id, scheduledAt ? 'scheduled' : 'running', scheduledAt, now],
      );
      // Another launch got there first: that one reserves and fans out.
      if (moved.length === 0) return false;

      const reserved = await campaignRepository.reserve(
        manager,
        campaign,
        credits,
      );
      if (!reserved.ok) {
        throw new CampaignError(
          'insufficient_credit',
          `${reserved.shortfall} credit(s) missing`,
          {
            needed: credits,
            shortfall: reserved.shortfall,
          },
        );
      }
      return true;
    });
  }

  /**
   * Writes and enqueues the campaign's messages from its saved cursor,
   * one page per transaction; stops when the campaign is paused or
   * cancelled. Safe to run again: a client never gets two messages.
   */
  async fanOut(campaignId: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE campaign SET status = 'running', updated_at = $2 WHERE id = $1 AND status = 'scheduled'`,
      [campaignId, this.clock.now()],
    );

    // A fan-out taken over after a crash may find a page written but never
    // enqueued: enqueue what waits before writing more.
    const resumed = await this.get(campaignId);
    if (resumed.status === 'running' && resumed.recipients > 0)
      await this.requeueWaiting(resumed);

    for (;;) {
      const campaign = await this.get(campaignId);
      if (campaign.status !== 'running' || campaign.fanoutDone) return;

      const more = await this.fanOutPage(campaign);
      if (!more) return;
    }
  }

  async pause(campaignId: string): Promise<Campaign> {
    return this.move(campaignId, ['running', 'scheduled'], 'paused');
  }

  /** Enqueues again what was waiting, and the rest of the fan-out. */
  async resume(campaignId: string): Promise<Campaign> {
    const campaign = await this.move(campaignId, ['paused'], 'running');
    await this.requeueWaiting(campaign);
    if (!campaign.fanoutDone) await this.fanouts.startFanout(campaign.id);
    return campaign;
  }

  /** What has not gone out becomes `cancelled`; unspent credit goes back. */
  async cancel(campaignId: string): Promise<Campaign> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      // Messages first, then the campaign row: the send path locks in that
      // order too (its message, then the reservation), so neither waits on
      // the other in a cycle.
      await manager.query(
        `UPDATE message SET status = 'cancelled', cancelled_at = $2, updated_at = $2, reason = 'campaign_cancelled'
         WHERE campaign_id = $1 AND status = 'queued'`,
        [campaignId, now],
      );
      const moved: unknown[] = await manager.query(
        `WITH changed AS (UPDATE campaign SET status = 'cancelled', finished_at = $2, updated_at = $2
                          WHERE id = $1 AND status IN ('draft', 'scheduled', 'running', 'paused') RETURNING id)
         SELECT id FROM changed`,
        [campaignId, now],
      );
      if (moved.length === 0)
        throw new CampaignError('wrong_state', 'the campaign is already over');
      await campaignRepository.release(manager, campaignId);
    });
    return this.get(campaignId);
  }

  /**
   * Sends again the campaign's failed and rejected messages (never one
   * that was sent), reserving what they need first.
   */
  async retryFailed(campaignId: string): Promise<number> {
    const campaign = await this.get(campaignId);
    if (!['running', 'paused', 'completed'].includes(campaign.status)) {
      throw new CampaignError(
        'wrong_state',
        `a ${campaign.status} campaign cannot be retried`,
      );
    }
    const ids = await this.reopenFailed(campaign);
    if (ids.length === 0)
      throw new CampaignError(
        'nothing_to_retry',
        'no failed or rejected message',
      );

    for (let i = 0; i < ids.length; i += PAGE) {
      await Promise.all(
        ids
          .slice(i, i + PAGE)
          .map((id) => this.producer.requeue(campaign.channel, 'campaign', id)),
      );
    }
    return ids.length;
  }

  /**
   * Starts again the fan-outs whose job Redis lost: a campaign running or
   * scheduled, not fanned out, has a fan-out job from launch (or resume)
   * until its last page is written. The fan-out resumes at its cursor.
   */
  async restartLostFanouts(): Promise<number> {
    const rows: { id: string; scheduled_at: Date | null }[] =
      await this.dataSource.query(
        `SELECT id, scheduled_at FROM campaign
         WHERE status IN ('running', 'scheduled') AND NOT fanout_done`,
      );
    const now = this.clock.now().getTime();
    let restarted = 0;
    for (const { id, scheduled_at: scheduledAt } of rows) {
      const delayMs = scheduledAt ? scheduledAt.getTime() - now : 0;
      if (await this.fanouts.restartIfLost(id, delayMs)) restarted += 1;
    }
    if (restarted > 0)
      this.logger.warn('restarted lost campaign fan-outs', {
        count: restarted,
      });
    return restarted;
  }

  /** Closes running campaigns whose every message has settled. */
  async completeFinished(): Promise<number> {
    const running: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM campaign WHERE status = 'running' AND fanout_done`,
    );
    let completed = 0;
    for (const { id } of running) {
      if (
        (await campaignRepository.pendingCount(this.dataSource.manager, id)) > 0
      )
        continue;
      const closed = await this.dataSource.transaction(async (manager) => {
        const moved: unknown[] = await manager.query(
          `WITH changed AS (UPDATE campaign SET status = 'completed', finished_at = $2, updated_at = $2
                            WHERE id = $1 AND status = 'running' RETURNING id) SELECT id FROM changed`,
          [id, this.clock.now()],
        );
        if (moved.length > 0) await campaignRepository.release(manager, id);
        return moved.length > 0;
      });
      if (closed) completed += 1;
    }
    return completed;
  }

  async get(campaignId: string): Promise<Campaign> {
    return this.dataSource.manager.findOneByOrFail(Campaign, {
      id: campaignId,
    });
  }

  private async fanOutPage(campaign: Campaign): Promise<boolean> {
    const { shop, template } = await this.load(campaign);
    const members = await audiencePage(this.dataSource.manager, {
      shopId: campaign.shopId,
      channel: campaign.channel,
      audience: campaign.audience as AudienceDefinition,
      today: localDate(this.clock.now(), shop.timeZone),
      afterId: campaign.fanoutCursor,
      limit: PAGE,
    });
    const last = members[members.length - 1];
    const done = members.length < PAGE;

    const ids = await this.dataSource.transaction(async (manager) => {
      const inserted = await campaignRepository.insertMessages(
        manager,
        campaign,
        members.filter((m) => !m.excluded),
        template,
        this.clock.now(),
      );
      await manager.query(
        `UPDATE campaign SET fanout_cursor = coalesce($2, fanout_cursor), fanout_done = $3,
           recipients = recipients + $4, updated_at = $5 WHERE id = $1`,
        [
          campaign.id,
          last?.clientId ?? null,
          done,
          inserted.length,
          this.clock.now(),
        ],
      );
      return inserted;
    });

    // Enqueued after the commit; a crash in between leaves rows the sweeper finds.
    await this.producer.enqueueMany(campaign.channel, 'campaign', ids);
    return !done;
  }

  private async requeueWaiting(campaign: Campaign): Promise<void> {
    for (let after = ''; ;) {
      const rows: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM message WHERE campaign_id = $1 AND status = 'queued' AND id::text > $2
         ORDER BY id LIMIT $3`,
        [campaign.id, after, PAGE],
      );
      await Promise.all(
        rows.map((row) =>
          this.producer.requeue(campaign.channel, 'campaign', row.id),
        ),
      );
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.id;
    }
  }

  private async reopenFailed(campaign: Campaign): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows: { id: string; credits: number }[] = await manager.query(
        `SELECT id, credits FROM message WHERE campaign_id = $1 AND status IN ('failed', 'rejected')`,
        [campaign.id],
      );
      if (rows.length === 0) return [];

      const { shop, template } = await this.load(campaign);
      const credits =
        campaign.channel === 'sms'
          ? await this.retryCost(
              campaign,
              shop,
              template,
              rows.map((r) => r.id),
            )
          : 0;
      if (campaign.status === 'completed') {
        await manager.query(
          `UPDATE campaign SET status = 'running', finished_at = NULL WHERE id = $1`,
          [campaign.id],
        );
        campaign.status = 'running';
      }
      const reserved = await campaignRepository.reserve(
        manager,
        campaign,
        credits,
      );
      if (!reserved.ok) {
        throw new CampaignError(
          'insufficient_credit',
          `${reserved.shortfall} credit(s) missing`,
          {
            needed: credits,
            shortfall: reserved.shortfall,
          },
        );
      }
      await manager.query(
        `UPDATE message SET status = 'queued', reason = NULL, error = NULL, in_flight = false,
           credits = 0, charged_from = NULL, credits_refunded = false, updated_at = $2
         WHERE id = ANY($1::uuid[])`,
        [rows.map((r) => r.id), this.clock.now()],
      );
      return rows.map((r) => r.id);
    });
  }

  private async retryCost(
    campaign: Campaign,
    shop: Shop,
    template: Template,
    messageIds: string[],
  ): Promise<number> {
    const rows: { client_id: string; visit_id: string | null }[] =
      await this.dataSource.query(
        `SELECT client_id, visit_id FROM message WHERE id = ANY($1::uuid[])`,
        [messageIds],
      );
    return this.smsCost(
      shop,
      template,
      campaign.kind,
      rows.map((r) => ({ clientId: r.client_id, visitId: r.visit_id })),
    );
  }

  private async smsCost(
    shop: Shop,
    template: Template,
    kind: 'transactional' | 'marketing',
    members: { clientId: string; visitId: string | null }[],
  ): Promise<number> {
    if (members.length === 0) return 0;
    const manager = this.dataSource.manager;
    const clients = new Map(
      (
        await manager.findBy(Client, { id: In(members.map((m) => m.clientId)) })
      ).map((c) => [c.id, c]),
    );
    const visitIds = members
      .map((m) => m.visitId)
      .filter((id): id is string => id !== null);
    const visits = new Map(
      (visitIds.length > 0
        ? await manager.findBy(Visit, { id: In(visitIds) })
        : []
      ).map((v) => [v.id, v]),
    );

    let credits = 0;
    for (const member of members) {
      const text = renderSmsText({
        body: template.body,
        kind,
        shop,
        client: clients.get(member.clientId) ?? null,
        visit: member.visitId ? (visits.get(member.visitId) ?? null) : null,
      });
      credits += countSms(text).credits;
    }
    return credits;
  }

  private async forEachPage(
    campaign: Campaign,
    shop: Shop,
    visit: (members: Awaited<ReturnType<typeof audiencePage>>) => Promise<void>,
  ): Promise<void> {
    const today = localDate(this.clock.now(), shop.timeZone);
    for (let afterId: string | null = null; ;) {
      const members = await audiencePage(this.dataSource.manager, {
        shopId: campaign.shopId,
        channel: campaign.channel,
        audience: campaign.audience as AudienceDefinition,
        today,
        afterId,
        limit: PAGE,
      });
      await visit(members);
      if (members.length < PAGE) return;
      afterId = members[members.length - 1]!.clientId;
    }
  }

  private async move(
    campaignId: string,
    from: string[],
    to: string,
  ): Promise<Campaign> {
    const moved: unknown[] = await this.dataSource.query(
      `WITH changed AS (UPDATE campaign SET status = $3, updated_at = $4
                        WHERE id = $1 AND status = ANY($2) RETURNING id) SELECT id FROM changed`,
      [campaignId, from, to, this.clock.now()],
    );
    const campaign = await this.get(campaignId);
    if (moved.length === 0) {
      throw new CampaignError(
        'wrong_state',
        `a ${campaign.status} campaign cannot be ${to === 'paused' ? 'paused' : 'resumed'}`,
      );
    }
    return campaign;
  }

  private async load(
    campaign: Campaign,
  ): Promise<{ shop: Shop; template: Template }> {
    const manager = this.dataSource.manager;
    return {
      shop: await manager.findOneByOrFail(Shop, { id: campaign.shopId }),
      template: await manager.findOneByOrFail(Template, {
        id: campaign.templateId,
      }),
    };
  }
}

/** `yyyy-mm-dd` of an instant in a time zone. */
function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
