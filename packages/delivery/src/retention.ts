import type { DataSource } from 'typeorm';
import { silentLogger } from '@optic/domain';
import type { Clock, Logger } from '@optic/domain';
import { retentionRepository } from '@optic/db';
import type { DocumentStore } from '@optic/providers';

/** How long personal content is kept, and how often the purge runs. */
export interface RetentionSettings {
  /** Message texts, replies and documents older than this are purged. */
  months: number;
  /** Time between two purges. */
  intervalMs: number;
  /** Where the documents to delete live. */
  documents: DocumentStore;
}

export interface PurgeOptions {
  /** The instant the age is measured from. */
  now: Date;
  months: number;
  documents: DocumentStore;
  /**
   * Rows per statement.
   * @defaultValue 1000
   */
  batchSize?: number;
}

export interface PurgeReport {
  cutoff: Date;
  messages: number;
  replies: number;
  documents: number;
  /** True when another process was purging at the same time. */
  skipped: boolean;
}

// Any number shared by every worker process: one purge at a time.
const RETENTION_LOCK_KEY = 7_340_114;

/**
 * Purges personal content older than `months` before `now`: message texts
 * and subjects (the rows, their status, credits and times stay in the
 * history), the text of SMS replies, and documents (file and row). Runs in
 * short batches; a second process calling it at the same time skips.
 *
 * @example
 * await purgeExpiredPersonalData(dataSource, { now: clock.now(), months: 36, documents });
 */
export async function purgeExpiredPersonalData(
  dataSource: DataSource,
  options: PurgeOptions,
): Promise<PurgeReport> {
  const cutoff = monthsBefore(options.now, options.months);
  const report = { cutoff, messages: 0, replies: 0, documents: 0 };
  const lock = dataSource.createQueryRunner();
  try {
    const [{ locked }] = await lock.query(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [RETENTION_LOCK_KEY],
    );
    if (!locked) return { ...report, skipped: true };
    try {
      await purgeAll(dataSource, options, report);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
    }
    return { ...report, skipped: false };
  } finally {
    await lock.release();
  }
}

async function purgeAll(
  dataSource: DataSource,
  options: PurgeOptions,
  report: Omit<PurgeReport, 'skipped'>,
): Promise<void> {
  const manager = dataSource.manager;
  const limit = options.batchSize ?? 1000;
  const { cutoff } = report;

  report.messages = await repeat(() =>
    retentionRepository.purgeMessageTexts(manager, cutoff, limit),
  );
  report.replies = await repeat(() =>
    retentionRepository.purgeReplyTexts(manager, cutoff, limit),
  );
  report.documents = await repeat(async () => {
    const expired = await retentionRepository.expiredDocuments(
      manager,
      cutoff,
      limit,
    );
    // Files first: a crash in between leaves a row whose file is gone,
    // which the next run deletes; never a file no row points at.
    for (const document of expired) {
      await options.documents.delete(document.storageKey);
    }
    await retentionRepository.deleteDocuments(
      manager,
      expired.map((d) => d.id),
    );
    return expired.length;
  });
}

/** Runs a batch until one comes back empty; returns the total. */
async function repeat(batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await batch();
    if (done === 0) return total;
    total += done;
  }
}

/**
 * The same day-of-month `months` earlier in UTC, or the last day of that
 * month when it is shorter (31 March minus one month is 28 or 29 February).
 */
export function monthsBefore(now: Date, months: number): Date {
  const target = new Date(now.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** Runs the purge on an interval, reading the process clock each time. */
export class RetentionJob {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: RetentionSettings,
    private readonly clock: Clock,
    private readonly logger: Logger = silentLogger,
  ) {}

  async runOnce(): Promise<PurgeReport> {
    const report = await purgeExpiredPersonalData(this.dataSource, {
      now: this.clock.now(),
      months: this.settings.months,
      documents: this.settings.documents,
    });
    if (report.messages + report.replies + report.documents > 0) {
      this.logger.info('retention purge done', {
        messages: report.messages,
        replies: report.replies,
        documents: report.documents,
      });
    }
    return report;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: Error) => {
          this.logger.error('retention purge failed', {
            error: error.message,
          });
        })
        .finally(() => {
          this.running = null;
        });
    }, this.settings.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
