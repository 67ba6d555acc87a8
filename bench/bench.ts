/**
 * `npm run bench`: campaign throughput, latency and memory on the local
 * stack, next to bare BullMQ and nodemailer references measured in the
 * same run (issue #6). `npm run bench -- --profile` runs the small SMS
 * campaign and a small e-mail one with CPU profiles of the API and the
 * workers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { createAdminKey } from '@optic/db';
import { assertNoEviction, createRedisConnection } from '@optic/queue';
import { checkRedis, ConfigError } from '@optic/runtime';
import {
  ChildProcesses,
  freePort,
  ROOT,
} from '../scripts/main-job/child-processes';
import { MailCatcher } from '../scripts/main-job/mail-catcher';
import { loadBenchConfig, parseArgs } from './bench-config';
import type { BenchConfig } from './bench-config';
import { BenchDatabase, isAlive } from './bench-database';
import { startBenchStack } from './bench-stack';
import type { StackProcess } from './bench-stack';
import { prepareCampaign, runCampaign } from './campaign-run';
import type {
  BenchContext,
  CampaignOutcome,
  CampaignSpec,
} from './campaign-run';
import { Cleanup } from './cleanup';
import { summarizeProfile } from './cpu-profile';
import { deletePrefix, deleteStalePrefixes } from './redis-keys';
import { mailerReference, queueReferences } from './references';
import type { ReferenceContext } from './references';
import { renderReport, table } from './report';
import type { BenchReferences, BenchResults } from './report';

const PROFILED: StackProcess[] = [
  'api',
  'worker-sms',
  'worker-campaign',
  'worker-email',
];

interface Bench {
  config: BenchConfig;
  context: BenchContext;
  children: ChildProcesses;
  runDir: string;
  smtpPort: number;
  machine: Record<string, string>;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const config = loadBenchConfig();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const runDir = path.resolve(
    ROOT,
    config.BENCH_DATA_DIR,
    `run-${process.pid}`,
  );
  const profileDir = path.resolve(
    ROOT,
    config.BENCH_DATA_DIR,
    `profiles-${stamp}`,
  );
  const cleanup = new Cleanup();
  onInterrupt(cleanup);
  const started = performance.now();

  try {
    const bench = await openBench(config, runDir, cleanup, {
      nodeArgs: args.profile ? profileFlags(profileDir) : {},
    });
    if (args.profile) {
      await profileRun(bench, profileDir);
    } else {
      const results = await fullRun(bench);
      results.wallSeconds = (performance.now() - started) / 1000;
      report(
        results,
        path.resolve(ROOT, config.BENCH_DATA_DIR, `results-${stamp}.json`),
      );
    }
  } finally {
    await cleanup.run();
  }
  // Logs of a run that went well are not worth their size.
  rmSync(runDir, { recursive: true, force: true });
  console.log(
    `bench: done in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
}

/** Database, Redis prefix, SMTP server and the stack, each undone by `cleanup`. */
async function openBench(
  config: BenchConfig,
  runDir: string,
  cleanup: Cleanup,
  options: { nodeArgs: Partial<Record<StackProcess, string[]>> },
): Promise<Bench> {
  mkdirSync(runDir, { recursive: true });
  const loadAtStart = os.loadavg();
  const unreachable = await checkRedis(config.REDIS_URL);
  if (unreachable) throw new ConfigError(unreachable);

  const redis = createRedisConnection(config.REDIS_URL, 'worker');
  cleanup.add('Redis connection', async () => redis.disconnect());
  await assertNoEviction(redis);
  await deleteStalePrefixes(redis, isAlive);
  const queuePrefix = `{bench${process.pid}}`;
  cleanup.add('bench keys', () => deletePrefix(redis, queuePrefix));
  cleanup.add('reference keys', () => deletePrefix(redis, referencePrefix()));

  const db = await BenchDatabase.create(config.BENCH_POSTGRES_URL);
  cleanup.add('bench database', () => db.drop());
  const machine = await describeMachine(redis, db, loadAtStart);
  const apiKey = await createAdminKey(db.dataSource.manager, 'bench');

  const catcher = new MailCatcher();
  const smtpPort = await catcher.start(await freePort());
  cleanup.add('SMTP server', () => catcher.stop());

  const children = new ChildProcesses(path.join(runDir, 'logs'));
  cleanup.add('child processes', () => children.stop());
  process.on('exit', () => children.killNow());

  console.log(
    `bench: starting the stack (logs in ${path.relative(ROOT, runDir)}/logs)`,
  );
  const stack = await startBenchStack(
    {
      databaseUrl: db.url,
      redisUrl: config.REDIS_URL,
      queuePrefix,
      smtpPort,
      logLevel: config.BENCH_LOG_LEVEL,
      documentsDir: path.join(runDir, 'documents'),
      apiKey,
      nodeArgs: options.nodeArgs,
    },
    children,
    redis,
  );
  const context: BenchContext = {
    stack,
    db,
    redis,
    redisUrl: config.REDIS_URL,
    queuePrefix,
    catcher,
    timeoutMs: config.BENCH_PHASE_TIMEOUT_S * 1000,
  };
  return { config, context, children, runDir, smtpPort, machine };
}

/** The three campaigns, then the references with the stack stopped. */
async function fullRun(bench: Bench): Promise<BenchResults> {
  const { config } = bench;
  const specs: CampaignSpec[] = [
    smsSpec('sms-small', config.BENCH_SMS_SMALL_RECIPIENTS),
    {
      ...smsSpec('sms-large', config.BENCH_SMS_RECIPIENTS),
      counterSends: {
        count: config.BENCH_COUNTER_SENDS,
        intervalMs: config.BENCH_COUNTER_INTERVAL_MS,
      },
    },
    emailSpec(config.BENCH_EMAIL_RECIPIENTS),
  ];
  const campaigns = await runCampaigns(bench, specs);
  await bench.children.stop();

  const references = await runReferences(bench, campaigns);
  return {
    machine: bench.machine,
    rssAtStart: bench.context.stack.rssAtStart,
    campaigns,
    references,
    wallSeconds: 0,
  };
}

async function runCampaigns(
  bench: Bench,
  specs: CampaignSpec[],
): Promise<CampaignOutcome[]> {
  const { context } = bench;
  console.log('bench: creating shops, clients, templates and campaigns');
  const prepared = [];
  for (const spec of specs) prepared.push(await prepareCampaign(context, spec));
  await context.db.dataSource.query('ANALYZE');

  const outcomes: CampaignOutcome[] = [];
  for (const [i, spec] of specs.entries()) {
    console.log(`bench: ${spec.label} campaign`);
    const outcome = await runCampaign(context, spec, prepared[i]!);
    console.log(
      `bench: ${spec.label}: ${outcome.sent} sent in ${(outcome.doneMs / 1000).toFixed(1)} s`,
    );
    outcomes.push(outcome);
  }
  return outcomes;
}

async function runReferences(
  bench: Bench,
  campaigns: CampaignOutcome[],
): Promise<BenchReferences> {
  const context: ReferenceContext = {
    redis: bench.context.redis,
    redisUrl: bench.config.REDIS_URL,
    prefix: referencePrefix(),
    children: bench.children,
    runDir: bench.runDir,
  };
  const references: BenchReferences = { addBulk: {}, worker: {}, mailer: null };
  for (const c of campaigns) {
    if (c.spec.channel !== 'sms') continue;
    console.log(`bench: BullMQ references with ${c.spec.recipients} jobs`);
    const { addBulk, worker } = await queueReferences(
      context,
      c.spec.recipients,
    );
    references.addBulk[c.spec.role] = addBulk;
    references.worker[c.spec.role] = worker;
  }
  const email = campaigns.find((c) => c.spec.channel === 'email');
  if (email) {
    console.log(
      `bench: nodemailer reference with ${email.spec.recipients} messages`,
    );
    references.mailer = await mailerReference(
      context,
      bench.context.catcher,
      bench.smtpPort,
      email.spec.recipients,
      email.provider.bytesPerMessage ?? 4000,
    );
  }
  return references;
}

/**
 * The small SMS campaign and a small e-mail one, with `--cpu-prof` on the
 * API and the workers; each profile is summed over its campaign only.
 */
async function profileRun(bench: Bench, profileDir: string): Promise<void> {
  const specs: CampaignSpec[] = [
    smsSpec('sms-small', bench.config.BENCH_SMS_SMALL_RECIPIENTS),
    emailSpec(bench.config.BENCH_PROFILE_EMAIL_RECIPIENTS),
  ];
  const campaigns = await runCampaigns(bench, specs);
  // The profiles are written as each process exits.
  await bench.children.stop();

  const results = {
    machine: bench.machine,
    rssAtStart: bench.context.stack.rssAtStart,
    campaigns,
    references: null,
  };
  console.log(`\n${renderReport({ ...results, wallSeconds: 0 })}`);
  for (const name of PROFILED) {
    const campaign = campaigns[name === 'worker-email' ? 1 : 0]!;
    const file = mainThreadProfile(path.join(profileDir, name));
    const summary = summarizeProfile(file, campaign.windowUs);
    console.log(
      `\n### CPU profile of ${name} during ${campaign.spec.label}\n\n${summary}`,
    );
  }
  console.log(
    `\nprofiles kept in ${path.relative(ROOT, profileDir)} (open them in Chrome DevTools)`,
  );
}

/** `CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile`: thread 0 is the main one. */
function mainThreadProfile(dir: string): string {
  const file = readdirSync(dir).find((f) => f.split('.')[4] === '0');
  if (!file) throw new Error(`no main-thread CPU profile in ${dir}`);
  return path.join(dir, file);
}

function profileFlags(
  profileDir: string,
): Partial<Record<StackProcess, string[]>> {
  return Object.fromEntries(
    PROFILED.map((name) => [
      name,
      // A folder each: tsx's loader thread writes a profile of its own.
      ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, name)],
    ]),
  );
}

function report(results: BenchResults, file: string): void {
  const machine = table(
    ['machine', ''],
    Object.entries(results.machine).map(([k, v]) => [k, v]),
  );
  console.log(`\n${machine}\n\n${renderReport(results)}\n`);
  writeFileSync(file, JSON.stringify(results, null, 2));
  console.log(`bench: figures kept in ${path.relative(ROOT, file)}`);
}

function smsSpec(
  role: 'sms-small' | 'sms-large',
  recipients: number,
): CampaignSpec {
  return {
    role,
    label: `SMS ${short(recipients)}`,
    channel: 'sms',
    recipients,
  };
}

function emailSpec(recipients: number): CampaignSpec {
  return {
    role: 'email',
    label: `e-mail ${short(recipients)}`,
    channel: 'email',
    recipients,
  };
}

/** 100000 → 100k. */
function short(n: number): string {
  return n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

function referencePrefix(): string {
  return `{bench${process.pid}r}`;
}

async function describeMachine(
  redis: Redis,
  db: BenchDatabase,
  load: number[],
): Promise<Record<string, string>> {
  const info = await redis.info('server');
  const persistence = await redis.info('persistence');
  const pg: { version: string; sync: string }[] = await db.dataSource.query(
    `SELECT split_part(version(), ' on ', 1) AS version, current_setting('synchronous_commit') AS sync`,
  );
  const memory = execFileSync('free', ['-h'], { encoding: 'utf8' })
    .split('\n')
    .find((l) => l.startsWith('Mem:'))!
    .split(/\s+/);
  return {
    'CPU (nproc)': `${os.availableParallelism()} × ${os.cpus()[0]?.model ?? '?'}`,
    'memory (free -h)': `${memory[1]} total, ${memory[6]} available`,
    node: process.version,
    redis: `${/redis_version:(\S+)/.exec(info)?.[1]}, AOF ${/aof_enabled:(\d)/.exec(persistence)?.[1] === '1' ? 'on' : 'off'}`,
    postgres: `${pg[0]!.version}, synchronous_commit ${pg[0]!.sync}`,
    'load average at start (1, 5, 15 min)': load
      .map((n) => n.toFixed(2))
      .join(', '),
    date: new Date().toISOString(),
  };
}

/**
 * Ctrl-C or SIGTERM: undo everything, then exit; twice: kill the children
 * now. A stray rejection (a poll whose database was just dropped) does not
 * stop a cleanup under way.
 */
function onInterrupt(cleanup: Cleanup): void {
  process.on('unhandledRejection', (reason) => {
    if (cleanup.started) return;
    console.error('bench: unexpected failure:', reason);
    void cleanup.run().finally(() => process.exit(1));
  });
  let firstAt: number | null = null;
  const handle = (signal: NodeJS.Signals) => {
    // npm and tsx pass on the Ctrl-C the terminal already sent us: a
    // second signal within a second is that same one.
    if (firstAt !== null) {
      if (Date.now() - firstAt > 1000) process.exit(130);
      return;
    }
    firstAt = Date.now();
    console.error(`\nbench: ${signal}, cleaning up (again to force)`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}

main().catch((error: Error) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : (error.stack ?? error.message);
  console.error(`bench: ${message}`);
  process.exit(1);
});
