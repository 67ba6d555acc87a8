import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buyCredits, createShop } from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/**
 * Workers of the fault suite take over a dead process's jobs within ~10 s
 * (a 5 s lock) and sweep every second, instead of the production minutes,
 * so that each scenario recovers inside CI's time.
 */
export const FAST_RECOVERY_ENV = {
  JOB_LOCK_MS: '5000',
  SWEEP_INTERVAL_MS: '1000',
  SWEEP_QUEUED_AFTER_MS: '3000',
  SWEEP_SENDING_AFTER_MS: '5000',
  LOG_LEVEL: 'warn',
} as const;

/** 172 GSM-7 characters: every message costs two parts. */
export const TWO_PART_TEXT =
  'Bonjour, vos nouvelles lunettes sont pretes et vous attendent en magasin. ' +
  'Pensez a apporter votre ordonnance et votre carte vitale lors du passage. ' +
  'Merci et a tres bientot!';

/** Where each run's figures are appended, one JSON line per scenario. */
const FIGURES_FILE = path.resolve(
  __dirname,
  '../../.data/faults/figures.jsonl',
);

/** A shop with `clients` consenting clients and an SMS campaign to all. */
export async function smsCampaign(
  stack: TestStack,
  clients: number,
  credits: number,
): Promise<{ shopId: string; campaignId: string }> {
  const shopId = await createShop(stack.api, { smsSignature: undefined });
  await buyCredits(stack.api, shopId, credits);
  await insertClients(stack.db.dataSource, shopId, clients);
  const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
    channel: 'sms',
    label: 'Lunettes',
    body: TWO_PART_TEXT,
    kind: 'transactional',
  });
  const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
    name: 'Fault suite',
    templateId: template.data.id,
    audience: { all: true },
  });
  if (campaign.status !== 201)
    throw new Error(`create campaign: ${JSON.stringify(campaign.data)}`);
  return { shopId, campaignId: campaign.data.id };
}

export async function launch(
  stack: TestStack,
  shopId: string,
  campaignId: string,
): Promise<void> {
  const response = await stack.api.post(
    `/v1/shops/${shopId}/campaigns/${campaignId}/launch`,
    {},
  );
  if (response.status !== 200)
    throw new Error(
      `launch: ${response.status} ${JSON.stringify(response.data)}`,
    );
}

/**
 * Waits until the sandbox has accepted at least `count` sends and answers
 * how many it had then: the moment a fault is injected mid-campaign.
 */
export function acceptedAtLeast(
  stack: TestStack,
  count: number,
  timeoutMs = 120_000,
): Promise<number> {
  return waitFor(
    () => {
      const accepted = stack.sandbox.messages().length;
      return accepted >= count ? accepted : undefined;
    },
    { timeoutMs, intervalMs: 5, what: `${count} sends accepted` },
  );
}

/** Waits until the campaign is completed (every message final, credit released). */
export async function campaignCompleted(
  stack: TestStack,
  campaignId: string,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () => {
      const rows: { status: string }[] = await stack.db.dataSource.query(
        'SELECT status FROM campaign WHERE id = $1',
        [campaignId],
      );
      return rows[0]?.status === 'completed';
    },
    { timeoutMs, intervalMs: 200, what: `campaign ${campaignId} to complete` },
  );
}

/** Waits until none of the shop's messages is `queued` or `sending`. */
export async function allFinal(
  stack: TestStack,
  shopId: string,
  timeoutMs: number,
): Promise<void> {
  await waitFor(async () => (await pendingCount(stack, shopId)) === 0, {
    timeoutMs,
    intervalMs: 200,
    what: `every message of shop ${shopId} to be final`,
  });
}

export async function pendingCount(
  stack: TestStack,
  shopId: string,
): Promise<number> {
  const rows: { n: string }[] = await stack.db.dataSource.query(
    `SELECT count(*) AS n FROM message WHERE shop_id = $1 AND status IN ('queued', 'sending')`,
    [shopId],
  );
  return Number(rows[0]!.n);
}

/** What a fault scenario is judged on; every difference is expected to be 0. */
export interface FaultFigures {
  messages: number;
  byStatus: Record<string, number>;
  /** Messages still `queued` or `sending`: lost. */
  notFinal: number;
  /** Accepted sends recorded by the sandbox for this shop's messages. */
  providerSends: number;
  /** Sends beyond the first for the same message id. */
  duplicates: number;
  /** Messages recorded `sent` that the sandbox never accepted. */
  sentNeverAccepted: number;
  /** Messages the sandbox accepted that are not recorded `sent`. */
  acceptedNotSent: number;
  /** Sum of the ledger minus the balance. */
  ledgerVsBalance: number;
  /** Credits bought minus balance, minus the parts of the messages sent. */
  spentVsSentParts: number;
  /** Failed messages whose credit was not given back. */
  failedNotRefunded: number;
}

/**
 * Reads the shop's messages, ledger and balance and the sandbox's record,
 * and counts every way they can disagree.
 */
export async function measure(
  stack: TestStack,
  shopId: string,
  purchased: number,
): Promise<FaultFigures> {
  const rows: {
    id: string;
    status: string;
    segments: number | null;
    charged: boolean;
    refunded: boolean;
  }[] = await stack.db.dataSource.query(
    `SELECT id, status, segments, charged_from IS NOT NULL AS charged,
            credits_refunded AS refunded
     FROM message WHERE shop_id = $1`,
    [shopId],
  );
  const sends = sendsByMessage(stack, new Set(rows.map((r) => r.id)));
  const sent = rows.filter((r) => r.status === 'sent');
  const [balance, ledgerSum] = await balanceAndLedger(stack, shopId);
  const sentParts = sent.reduce((sum, r) => sum + (r.segments ?? 0), 0);

  return {
    messages: rows.length,
    byStatus: countBy(rows.map((r) => r.status)),
    notFinal: rows.filter((r) => ['queued', 'sending'].includes(r.status))
      .length,
    providerSends: [...sends.values()].reduce((a, b) => a + b, 0),
    duplicates: [...sends.values()].reduce((a, n) => a + Math.max(0, n - 1), 0),
    sentNeverAccepted: sent.filter((r) => !sends.has(r.id)).length,
    acceptedNotSent: rows.filter((r) => sends.has(r.id) && r.status !== 'sent')
      .length,
    ledgerVsBalance: ledgerSum - balance,
    spentVsSentParts: purchased - balance - sentParts,
    failedNotRefunded: rows.filter(
      (r) => r.status === 'failed' && r.charged && !r.refunded,
    ).length,
  };
}

/** The figures that must be 0 for a scenario to pass, named in failures. */
export function differences(figures: FaultFigures): Record<string, number> {
  return {
    notFinal: figures.notFinal,
    duplicates: figures.duplicates,
    sentNeverAccepted: figures.sentNeverAccepted,
    acceptedNotSent: figures.acceptedNotSent,
    ledgerVsBalance: figures.ledgerVsBalance,
    spentVsSentParts: figures.spentVsSentParts,
    failedNotRefunded: figures.failedNotRefunded,
  };
}

export const NO_DIFFERENCE = {
  notFinal: 0,
  duplicates: 0,
  sentNeverAccepted: 0,
  acceptedNotSent: 0,
  ledgerVsBalance: 0,
  spentVsSentParts: 0,
  failedNotRefunded: 0,
};

/** Prints one line per scenario and keeps it for RELIABILITY.md. */
export async function report(
  scenario: string,
  figures: object,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const line = JSON.stringify({ scenario, ...figures, ...extra });
  process.stdout.write(`[faults] ${line}\n`);
  await mkdir(path.dirname(FIGURES_FILE), { recursive: true });
  await appendFile(FIGURES_FILE, `${line}\n`);
}

/** Resends the sandbox refused as already seen (Octopush's code 120). */
export function refusedAsDuplicate(stack: TestStack): number {
  return stack.sandbox.stats().byCode['120'] ?? 0;
}

function sendsByMessage(
  stack: TestStack,
  messageIds: Set<string>,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const send of stack.sandbox.messages()) {
    if (send.requestId === null || !messageIds.has(send.requestId)) continue;
    counts.set(send.requestId, (counts.get(send.requestId) ?? 0) + 1);
  }
  return counts;
}

async function balanceAndLedger(
  stack: TestStack,
  shopId: string,
): Promise<[number, number]> {
  const rows: { balance: number; ledger: string | null }[] =
    await stack.db.dataSource.query(
      `SELECT s.credit_balance AS balance,
              (SELECT sum(amount) FROM credit_ledger WHERE shop_id = s.id) AS ledger
       FROM shop s WHERE s.id = $1`,
      [shopId],
    );
  return [rows[0]!.balance, Number(rows[0]!.ledger ?? 0)];
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
