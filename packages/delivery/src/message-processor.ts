import type { DataSource, EntityManager } from 'typeorm';
import { isDeliveryError, silentLogger } from '@optic/domain';
import type { Clock, DeliveryError, Logger } from '@optic/domain';
import {
  Client,
  creditRepository,
  messageRepository,
  receiptRepository,
  Shop,
  Visit,
} from '@optic/db';
import type { Message } from '@optic/db';
import type {
  ChannelHandler,
  Preparation,
  SendContext,
} from './channel-handler';
import { noDeliveryMetrics } from './delivery-metrics';
import type { DeliveryMetrics } from './delivery-metrics';
import { messageLogFields } from './message-log-fields';
import { noCrash } from './test-crash-hook';
import type { CrashHook } from './test-crash-hook';

export interface AttemptInfo {
  /** 1 for the first run of the job. */
  number: number;
  /** No retry follows this one. */
  isFinal: boolean;
}

export type ProcessOutcome =
  'noop' | 'rejected' | 'sent' | 'failed' | 'unknown';

/** Thrown to ask the worker to hold the job until the message may go out. */
export class DeferDelivery extends Error {
  override readonly name = 'DeferDelivery';
  constructor(readonly until: Date) {
    super(`deferred until ${until.toISOString()}`);
  }
}

/** Thrown to ask the worker for a retry; carries the translated error. */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
  constructor(readonly delivery: DeliveryError) {
    super(delivery.message, { cause: delivery });
  }
}

/** A settled message, counted once its transaction has committed. */
interface Settled {
  status: string;
  reason: string;
}

/** A preparation that passed: the message can be charged and sent. */
type Prepared = Extract<Preparation, { ok: true }>;

type Start =
  | { kind: 'done'; outcome: ProcessOutcome; settled?: Settled }
  | { kind: 'send'; context: SendContext }
  | { kind: 'defer'; until: Date };

/**
 * One delivery job: load the message, check consent and recipient, debit
 * the credit and mark it `sending` in one transaction, call the provider,
 * then record the outcome. A replayed job finds the message already past
 * its step and does nothing; a message left `sending` by a crash is only
 * resent where the provider deduplicates our reference, else marked
 * `unknown` for reconciliation.
 */
export class MessageProcessor {
  private readonly logger: Logger;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: ChannelHandler,
    private readonly clock: Clock,
    logger: Logger = silentLogger,
    private readonly metrics: DeliveryMetrics = noDeliveryMetrics,
    private readonly crashAt: CrashHook = noCrash,
  ) {
    this.logger = logger;
  }

  async process(
    messageId: string,
    attempt: AttemptInfo,
  ): Promise<ProcessOutcome> {
    const start = await this.dataSource.transaction((manager) =>
      this.start(manager, messageId),
    );
    if (start.kind === 'done') {
      if (start.settled)
        this.settled(start.settled.status, start.settled.reason);
      return start.outcome;
    }
    if (start.kind === 'defer') throw new DeferDelivery(start.until);
    this.crashAt('after-debit');

    try {
      const result = await this.timedSend(start.context);
      this.crashAt('after-provider-accept');
      return await this.recordSent(start.context.message, result.providerId);
    } catch (error) {
      return this.recordFailure(start.context.message, error, attempt);
    }
  }

  private async timedSend(context: SendContext) {
    const started = process.hrtime.bigint();
    let outcome = 'success';
    try {
      return await this.channel.send(context);
    } catch (error) {
      outcome = !isDeliveryError(error)
        ? 'error'
        : error.retryable
          ? 'transient_error'
          : 'permanent_error';
      throw error;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { channel, provider } = this.channel;
      this.metrics.providerRequest(channel, provider, outcome, seconds);
    }
  }

  private settled(status: string, reason: string): void {
    this.metrics.messageSettled(this.channel.channel, status, reason);
  }

  private async start(
    manager: EntityManager,
    messageId: string,
  ): Promise<Start> {
    const message = await messageRepository.lock(manager, messageId);
    if (
      !message ||
      (message.status !== 'queued' && message.status !== 'sending')
    ) {
      return { kind: 'done', outcome: 'noop' };
    }

    const context = await this.loadContext(manager, message);
    if (message.status === 'queued') return this.begin(manager, context);
    return this.resume(manager, context);
  }

  /** First attempt: render, check, debit, and mark `sending`. */
  private async begin(
    manager: EntityManager,
    context: SendContext,
  ): Promise<Start> {
    const { message } = context;
    const now = this.clock.now();

    if (message.campaignId) {
      const held = await this.campaignHold(manager, message, now);
      if (held) return held;
    }

    const notBefore = this.channel.notBefore(context, now);
    if (notBefore) return this.defer(manager, message, notBefore, now);

    const prepared = this.channel.prepare(context);

    if (!prepared.ok) {
      return this.reject(
        manager,
        message,
        prepared.reason,
        prepared.detail,
        now,
      );
    }
    if (await this.isSuppressed(manager, message, prepared.recipient)) {
      const detail = 'the recipient is on the suppression list';
      return this.reject(manager, message, 'suppressed', detail, now);
    }
    let chargedFrom: 'balance' | 'reservation' | null = null;
    if (prepared.credits > 0) {
      chargedFrom = await creditRepository.chargeMessage(
        manager,
        message,
        prepared.credits,
      );
      if (!chargedFrom) {
        const detail = `${prepared.credits} credit(s) needed`;
        return this.reject(
          manager,
          message,
          'insufficient_credit',
          detail,
          now,
        );
      }
    }

    await this.markSending(manager, message, prepared, chargedFrom, now);
    return { kind: 'send', context };
  }

  /** Holds the message until `notBefore`; the worker delays its job. */
  private async defer(
    manager: EntityManager,
    message: Message,
    notBefore: Date,
    now: Date,
  ): Promise<Start> {
    await manager.query(
      `UPDATE message SET not_before = $2, updated_at = $3 WHERE id = $1`,
      [message.id, notBefore, now],
    );
    return { kind: 'defer', until: notBefore };
  }

  /** Stores what `prepare` produced and marks the message `sending`. */
  private async markSending(
    manager: EntityManager,
    message: Message,
    prepared: Prepared,
    chargedFrom: 'balance' | 'reservation' | null,
    now: Date,
  ): Promise<void> {
    await manager.query(
      `UPDATE message SET status = 'sending', sending_at = $2, updated_at = $2,
         in_flight = true, attempts = attempts + 1, recipient = $3,
         rendered_text = $4, subject = coalesce($5, subject), encoding = $6,
         segments = $7, credits = $8, provider = $9, charged_from = $10
       WHERE id = $1`,
      [
        message.id,
        now,
        prepared.recipient,
        prepared.renderedText,
        prepared.subject,
        prepared.encoding,
        prepared.segments,
        prepared.credits,
        this.channel.provider,
        chargedFrom,
      ],
    );
    Object.assign(message, {
      status: 'sending',
      sendingAt: now,
      inFlight: true,
      attempts: message.attempts + 1,
      recipient: prepared.recipient,
      renderedText: prepared.renderedText,
      subject: prepared.subject ?? message.subject,
    });
  }

  /** A retry, or a job replayed after a crash while the message was sending. */
  private async resume(
    manager: EntityManager,
    context: SendContext,
  ): Promise<Start> {
    const { message } = context;
    const now = this.clock.now();

    if (message.inFlight && !this.channel.canResendAfterCrash(message, now)) {
      await messageRepository.transition(
        manager,
        message.id,
        ['sending'],
        'unknown',
        now,
        {
          reason: 'outcome_lost',
          error: 'a previous attempt may have reached the provider; not resent',
          inFlight: false,
        },
      );
      this.logger.warn(
        'outcome lost, marked unknown',
        messageLogFields(message),
      );
      return {
        kind: 'done',
        outcome: 'unknown',
        settled: { status: 'unknown', reason: 'outcome_lost' },
      };
    }

    await manager.query(
      `UPDATE message SET in_flight = true, attempts = attempts + 1, updated_at = $2
       WHERE id = $1`,
      [message.id, now],
    );
    message.attempts += 1;
    return { kind: 'send', context };
  }

  private async reject(
    manager: EntityManager,
    message: Message,
    reason: string,
    detail: string,
    now: Date,
  ): Promise<Start> {
    await messageRepository.transition(
      manager,
      message.id,
      ['queued'],
      'rejected',
      now,
      {
        reason,
        error: detail,
      },
    );
    this.logger.info('message rejected', {
      ...messageLogFields(message),
      reason,
    });
    return {
      kind: 'done',
      outcome: 'rejected',
      settled: { status: 'rejected', reason },
    };
  }

  private async recordSent(
    message: Message,
    providerId: string | null,
  ): Promise<ProcessOutcome> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      await messageRepository.transition(
        manager,
        message.id,
        ['sending'],
        'sent',
        now,
        {
          providerId,
          inFlight: false,
          error: null,
        },
      );
      // A receipt may have beaten us here; it waits in sms_receipt.
      if (this.channel.channel !== 'sms') return;
      if (providerId) {
        await receiptRepository.attachEarly(
          manager,
          this.channel.provider,
          providerId,
          message.id,
          now,
        );
      } else {
        await receiptRepository.adoptOrphans(
          manager,
          this.channel.provider,
          message,
          now,
        );
      }
    });
    this.settled('sent', 'none');
    this.logger.info('message sent', messageLogFields(message));
    return 'sent';
  }

  private async recordFailure(
    message: Message,
    error: unknown,
    attempt: AttemptInfo,
  ): Promise<ProcessOutcome> {
    // An error we cannot classify (a bug, the database gone) leaves the
    // message in flight: the retry will treat it as a possible crash.
    if (!isDeliveryError(error)) throw error;

    const now = this.clock.now();
    const fields = { ...messageLogFields(message), errorCode: error.code };

    if (error.retryable && !attempt.isFinal) {
      await this.recordRetry(message, error, now);
      this.metrics.retry(this.channel.channel, error.code);
      this.logger.warn('attempt failed, will retry', fields);
      throw new RetryableDeliveryError(error);
    }

    // A final timeout may have reached the provider: we cannot say it failed.
    const outcome = error.code === 'TIMEOUT' ? 'unknown' : 'failed';
    await this.recordFinalFailure(message, error, outcome, now);
    this.settled(outcome, error.code.toLowerCase());
    this.logger.info(`message ${outcome}`, fields);
    return outcome;
  }

  /** The failed attempt, and the message out of flight until its retry. */
  private async recordRetry(
    message: Message,
    error: DeliveryError,
    now: Date,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await messageRepository.recordEvent(
        manager,
        message.id,
        message.attempts,
        'attempt_failed',
        describe(error),
        now,
      );
      await manager.query(
        `UPDATE message SET in_flight = false, error = $2, updated_at = $3 WHERE id = $1`,
        [message.id, describe(error), now],
      );
    });
  }

  /**
   * The failed attempt and the message's last status, in one transaction;
   * a `failed` message gets its credit back.
   */
  private async recordFinalFailure(
    message: Message,
    error: DeliveryError,
    outcome: 'failed' | 'unknown',
    now: Date,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await messageRepository.recordEvent(
        manager,
        message.id,
        message.attempts,
        'attempt_failed',
        describe(error),
        now,
      );
      await messageRepository.transition(
        manager,
        message.id,
        ['sending'],
        outcome,
        now,
        {
          reason: error.code.toLowerCase(),
          error: describe(error),
          inFlight: false,
        },
      );
      if (outcome === 'failed') {
        await creditRepository.refundCharge(manager, message.id);
        this.crashAt('during-refund');
        await this.channel.onPermanentFailure?.(manager, message, error, now);
      }
    });
  }

  private async loadContext(
    manager: EntityManager,
    message: Message,
  ): Promise<SendContext> {
    // One after the other: a transaction's connection runs one query at a time.
    const shop = await manager.findOneByOrFail(Shop, { id: message.shopId });
    const client = message.clientId
      ? await manager.findOneBy(Client, { id: message.clientId })
      : null;
    const visit = message.visitId
      ? await manager.findOneBy(Visit, { id: message.visitId })
      : null;
    return { message, shop, client, visit };
  }

  /**
   * A paused campaign's messages stay `queued` (resume enqueues them again);
   * a cancelled one's become `cancelled`.
   */
  private async campaignHold(
    manager: EntityManager,
    message: Message,
    now: Date,
  ): Promise<Start | null> {
    const rows: { status: string }[] = await manager.query(
      `SELECT status FROM campaign WHERE id = $1`,
      [message.campaignId],
    );
    const status = rows[0]?.status;
    if (status === 'paused') return { kind: 'done', outcome: 'noop' };
    if (status !== 'cancelled') return null;

    await messageRepository.transition(
      manager,
      message.id,
      ['queued'],
      'cancelled',
      now,
      {
        reason: 'campaign_cancelled',
      },
    );
    return {
      kind: 'done',
      outcome: 'noop',
      settled: { status: 'cancelled', reason: 'campaign_cancelled' },
    };
  }

  private async isSuppressed(
    manager: EntityManager,
    message: Message,
    address: string,
  ): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM suppression WHERE shop_id = $1 AND channel = $2 AND address = $3`,
      [message.shopId, message.channel, address],
    );
    return rows.length > 0;
  }
}

function describe(error: DeliveryError): string {
  return error.providerCode
    ? `${error.providerCode}: ${error.message}`
    : error.message;
}
