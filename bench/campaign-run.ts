import axios from 'axios';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisConnection, FANOUT_QUEUE } from '@optic/queue';
import { insertClients } from '../test/support/bulk-clients';
import type { MailCatcher } from '../scripts/main-job/mail-catcher';
import type { BenchDatabase, PgActivity } from './bench-database';
import { STACK_PROCESSES } from './bench-stack';
import type { BenchStack, StackProcess } from './bench-stack';
import { counterSendsDuring } from './counter-sends';
import type { CounterSend } from './counter-sends';
import { sampleConnections } from './connection-sampler';
import type { ConnectionStates } from './connection-sampler';
import { CpuMeter } from './cpu-usage';
import { procStatusBytes, resetPeakRss } from './process-memory';
import { prefixFootprint, redisUsedMemory } from './redis-keys';

const SMS_BODY =
  'Bonjour %prenom, vos lentilles commandées chez %magasin sont arrivées. Passez les prendre du lundi au samedi.';
const EMAIL_SUBJECT = 'Vos lunettes sont prêtes, %prenom';
const EMAIL_BODY =
  '<p>Bonjour %civilite %nom,</p><p>Vos nouvelles lunettes vous attendent chez <b>%magasin</b>. ' +
  'Nos opticiens les ajusteront à votre visage lors de votre passage, du lundi au samedi de 9 h à 19 h.</p>' +
  "<p>N'oubliez pas votre ancienne paire : nous vérifierons gratuitement son réglage.</p>" +
  '<p>À très bientôt,<br>Votre opticien</p>';

export type CampaignRole = 'sms-small' | 'sms-large' | 'email';

export interface CampaignSpec {
  role: CampaignRole;
  label: string;
  channel: 'sms' | 'email';
  recipients: number;
  /** Counter sends made while it runs (SMS only). */
  counterSends?: { count: number; intervalMs: number };
}

export interface BenchContext {
  stack: BenchStack;
  db: BenchDatabase;
  redis: Redis;
  redisUrl: string;
  queuePrefix: string;
  catcher: MailCatcher;
  timeoutMs: number;
}

export interface CampaignOutcome {
  spec: CampaignSpec;
  /** Messages the fan-out wrote. */
  written: number;
  /** The launch request alone (it previews the audience and reserves). */
  launchRequestMs: number;
  /** From the launch request until the fan-out had enqueued every message. */
  fanoutMs: number | null;
  /** From the launch request until the last message was `sent`. */
  doneMs: number;
  counts: Record<string, number>;
  sent: number;
  timedOut: boolean;
  /** `sent_at` minus the launch request's instant. */
  sentAfterMs: { p50: number; p99: number };
  peakRss: Record<StackProcess, number | null>;
  /** False if the kernel refused the reset: peaks are then since start. */
  peakReset: boolean;
  cpu: {
    byProcess: Record<string, number>;
    machineBusy: number;
    machineTotal: number;
  };
  pg: { sizeBytes: number; activity: PgActivity };
  redis: { usedMemory: number; prefixKeys: number; prefixBytes: number };
  /** Sandbox send requests, or e-mails the SMTP server received. */
  provider: { requests: number; bytesPerMessage: number | null };
  counterSends: CounterSend[];
  /** The bench database's connections, averaged over samples every 0.5 s. */
  connections: ConnectionStates;
  /** From the launch to the end, on `process.hrtime`'s clock, in µs. */
  windowUs: [number, number];
}

export interface PreparedCampaign {
  shopId: string;
  campaignId: string;
  counterClients: string[];
}

interface CampaignView {
  id: string;
  recipients: number;
  fanoutDone: boolean;
  progress: { counts: Record<string, number>; final: number };
}

/** A shop with its credit and clients (SQL), a template and a draft campaign (API). */
export async function prepareCampaign(
  context: BenchContext,
  spec: CampaignSpec,
): Promise<PreparedCampaign> {
  const api = context.stack.api;
  const shop = await expectStatus<{ id: string }>(
    api.post('/v1/shops', {
      name: `Optique Bench ${spec.label}`,
      smsSender: 'OptBench',
      smsStopMention: 'STOP au 36180',
      emailFromAddress: 'contact@optique-bench.test',
      emailFromName: 'Optique Bench',
      miniSiteUrl: 'https://optique-bench.test',
    }),
    201,
    'shop',
  );
  if (spec.channel === 'sms') {
    await expectStatus(
      api.post(`/v1/shops/${shop.id}/credit/purchases`, {
        credits: Math.min(1_000_000, spec.recipients * 2 + 1000),
        note: 'bench',
      }),
      201,
      'credit',
    );
  }
  await insertClients(context.db.dataSource, shop.id, spec.recipients);

  const template = await expectStatus<{ id: string }>(
    api.post(`/v1/shops/${shop.id}/templates`, {
      channel: spec.channel,
      label: `Bench ${spec.label}`,
      kind: 'transactional',
      ...(spec.channel === 'sms'
        ? { body: SMS_BODY }
        : { subject: EMAIL_SUBJECT, body: EMAIL_BODY }),
    }),
    201,
    'template',
  );
  const campaign = await expectStatus<{ id: string }>(
    api.post(`/v1/shops/${shop.id}/campaigns`, {
      name: `Bench ${spec.label}`,
      templateId: template.id,
      audience: { all: true },
    }),
    201,
    'campaign',
  );
  const counterClients: { id: string }[] = await context.db.dataSource.query(
    'SELECT id FROM client WHERE shop_id = $1 ORDER BY id LIMIT 20',
    [shop.id],
  );
  return {
    shopId: shop.id,
    campaignId: campaign.id,
    counterClients: counterClients.map((c) => c.id),
  };
}

/**
 * Launches the campaign and follows it until every message is `sent` or
 * beyond, with counter sends in between if asked; then reads the timings
 * from the message table, the peaks, the CPU used and the sizes.
 */
export async function runCampaign(
  context: BenchContext,
  spec: CampaignSpec,
  prepared: PreparedCampaign,
): Promise<CampaignOutcome> {
  const { api, pids } = context.stack;
  const peakReset = STACK_PROCESSES.map((name) =>
    resetPeakRss(pids[name]),
  ).every(Boolean);
  const before = await snapshot(context);
  const meter = new CpuMeter(await measuredPids(context));
  const fanout = await watchFanout(context, prepared.campaignId);

  const launchedAt = new Date();
  const started = performance.now();
  const windowStart = monotonicUs();
  const launchUrl = `/v1/shops/${prepared.shopId}/campaigns/${prepared.campaignId}/launch`;
  await expectStatus(api.post(launchUrl, {}), 200, 'launch');
  const launchRequestMs = performance.now() - started;

  let over = false;
  const connections = sampleConnections(context.db, () => over);
  const counter = spec.counterSends
    ? counterSendsDuring({
        api,
        shopId: prepared.shopId,
        clientIds: prepared.counterClients,
        ...spec.counterSends,
        stopped: () => over,
      })
    : Promise.resolve([]);
  const followed = await follow(context, spec, prepared, started);
  over = true;
  const windowUs: [number, number] = [windowStart, monotonicUs()];
  const cpu = await cpuUsed(context, meter);
  const counterSends = await counter;
  const fanoutAt = fanout.doneAt() ?? followed.fanoutSeenAt;
  await fanout.close();

  const timing = await sentTimings(context, prepared.campaignId, launchedAt);
  const after = await snapshot(context);
  return {
    spec,
    written: followed.written,
    launchRequestMs,
    fanoutMs: fanoutAt === null ? null : fanoutAt - started,
    doneMs: timing.lastSentMs,
    counts: followed.counts,
    sent: timing.sent,
    timedOut: followed.timedOut,
    sentAfterMs: { p50: timing.p50, p99: timing.p99 },
    peakRss: peaks(context),
    peakReset,
    cpu,
    pg: {
      sizeBytes: await context.db.size(),
      activity: difference(after.pg, before.pg),
    },
    redis: await redisSizes(context),
    provider: providerFigures(spec, before, after),
    counterSends,
    connections: await connections,
    windowUs,
  };
}

function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

interface Followed {
  written: number;
  counts: Record<string, number>;
  timedOut: boolean;
  fanoutSeenAt: number | null;
}

/** Polls `GET …/campaigns/:id` once a second until every message is final. */
async function follow(
  context: BenchContext,
  spec: CampaignSpec,
  prepared: PreparedCampaign,
  started: number,
): Promise<Followed> {
  const url = `/v1/shops/${prepared.shopId}/campaigns/${prepared.campaignId}`;
  let fanoutSeenAt: number | null = null;
  let printedAt = -Infinity;
  for (;;) {
    const dead = context.stack.children.dead();
    if (dead.length > 0)
      throw new Error(`${dead.join(', ')} stopped during ${spec.label}`);
    const view = await expectStatus<CampaignView>(
      context.stack.api.get(url),
      200,
      'campaign',
    );
    if (view.fanoutDone) fanoutSeenAt ??= performance.now();
    const elapsed = performance.now() - started;
    if (process.stderr.isTTY || elapsed - printedAt >= 15_000) {
      printedAt = elapsed;
      printProgress(spec, view, elapsed);
    }

    const done = view.fanoutDone && view.progress.final >= view.recipients;
    const timedOut = !done && elapsed > context.timeoutMs;
    if (done || timedOut) {
      if (process.stderr.isTTY) process.stderr.write('\n');
      if (timedOut) await context.stack.api.post(`${url}/cancel`, {});
      return {
        written: view.recipients,
        counts: view.progress.counts,
        timedOut,
        fanoutSeenAt,
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function printProgress(
  spec: CampaignSpec,
  view: CampaignView,
  elapsedMs: number,
): void {
  const line =
    `[${spec.label}] ${(elapsedMs / 1000).toFixed(0)} s: ` +
    `${view.recipients} of ${spec.recipients} written, ${view.progress.final} final`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}   ` : `${line}\n`);
}

/** When the fan-out job completed, from BullMQ's event stream. */
async function watchFanout(
  context: BenchContext,
  campaignId: string,
): Promise<{ doneAt(): number | null; close(): Promise<void> }> {
  const connection = createRedisConnection(context.redisUrl, 'worker');
  const events = new QueueEvents(FANOUT_QUEUE, {
    connection,
    prefix: context.queuePrefix,
  });
  await events.waitUntilReady();
  let doneAt: number | null = null;
  events.on('completed', ({ jobId }) => {
    if (jobId === `fanout-${campaignId}`) doneAt ??= performance.now();
  });
  return {
    doneAt: () => doneAt,
    close: async () => {
      await events.close();
      connection.disconnect();
    },
  };
}

async function sentTimings(
  context: BenchContext,
  campaignId: string,
  launchedAt: Date,
): Promise<{ sent: number; p50: number; p99: number; lastSentMs: number }> {
  const rows: { sent: string; p: number[] | null; last: string | null }[] =
    await context.db.dataSource.query(
      `SELECT count(*) AS sent,
         percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP
           (ORDER BY extract(epoch FROM sent_at - $2::timestamptz) * 1000) AS p,
         extract(epoch FROM max(sent_at) - $2::timestamptz) * 1000 AS last
       FROM message WHERE campaign_id = $1 AND sent_at IS NOT NULL`,
      [campaignId, launchedAt],
    );
  const row = rows[0]!;
  return {
    sent: Number(row.sent),
    p50: row.p?.[0] ?? NaN,
    p99: row.p?.[1] ?? NaN,
    lastSentMs: row.last === null ? NaN : Number(row.last),
  };
}

/** The stack, this process, Redis, and the database's own backends. */
async function measuredPids(context: BenchContext): Promise<number[]> {
  return [
    ...Object.values(context.stack.pids),
    process.pid,
    await redisPid(context.redis),
    ...(await backendPids(context.db)),
  ];
}

async function cpuUsed(
  context: BenchContext,
  meter: CpuMeter,
): Promise<CampaignOutcome['cpu']> {
  const { pids } = context.stack;
  const byProcess: Record<string, number> = Object.fromEntries(
    STACK_PROCESSES.map((name) => [name, meter.used(pids[name])]),
  );
  byProcess['bench (SMTP server, polling)'] = meter.used(process.pid);
  byProcess['postgres (bench database backends)'] = (
    await backendPids(context.db)
  ).reduce((sum, pid) => sum + meter.used(pid), 0);
  byProcess['redis-server (shared with others)'] = meter.used(
    await redisPid(context.redis),
  );
  const machine = meter.machine();
  return { byProcess, machineBusy: machine.busy, machineTotal: machine.total };
}

async function backendPids(db: BenchDatabase): Promise<number[]> {
  const rows: { pid: number }[] = await db.dataSource.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  return rows.map((r) => r.pid);
}

async function redisPid(redis: Redis): Promise<number> {
  const info = await redis.info('server');
  return Number(/^process_id:(\d+)/m.exec(info)?.[1] ?? -1);
}

function peaks(context: BenchContext): Record<StackProcess, number | null> {
  const { pids } = context.stack;
  return Object.fromEntries(
    STACK_PROCESSES.map((name) => [name, procStatusBytes(pids[name], 'VmHWM')]),
  ) as Record<StackProcess, number | null>;
}

interface Snapshot {
  pg: PgActivity;
  sandboxRequests: number;
  smtp: { received: number; bytes: number };
}

async function snapshot(context: BenchContext): Promise<Snapshot> {
  // Backends publish their statistics up to a second after going idle.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const stats = await axios.get(`${context.stack.sandboxUrl}/_sandbox/stats`);
  return {
    pg: await context.db.activity(),
    sandboxRequests: Number(stats.data.requests),
    smtp: { received: context.catcher.received, bytes: context.catcher.bytes },
  };
}

function providerFigures(
  spec: CampaignSpec,
  before: Snapshot,
  after: Snapshot,
): CampaignOutcome['provider'] {
  if (spec.channel === 'sms') {
    return {
      requests: after.sandboxRequests - before.sandboxRequests,
      bytesPerMessage: null,
    };
  }
  const received = after.smtp.received - before.smtp.received;
  return {
    requests: received,
    bytesPerMessage:
      received > 0 ? (after.smtp.bytes - before.smtp.bytes) / received : null,
  };
}

async function redisSizes(
  context: BenchContext,
): Promise<CampaignOutcome['redis']> {
  const footprint = await prefixFootprint(context.redis, context.queuePrefix);
  return {
    usedMemory: await redisUsedMemory(context.redis),
    prefixKeys: footprint.keys,
    prefixBytes: footprint.bytes,
  };
}

function difference(after: PgActivity, before: PgActivity): PgActivity {
  return {
    commits: after.commits - before.commits,
    rowsInserted: after.rowsInserted - before.rowsInserted,
    rowsUpdated: after.rowsUpdated - before.rowsUpdated,
    rowsFetched: after.rowsFetched - before.rowsFetched,
    rowsReturned: after.rowsReturned - before.rowsReturned,
  };
}

async function expectStatus<T = unknown>(
  request: Promise<{ status: number; data: unknown }>,
  status: number,
  what: string,
): Promise<T> {
  const response = await request;
  if (response.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.data)}`,
    );
  }
  return response.data as T;
}
