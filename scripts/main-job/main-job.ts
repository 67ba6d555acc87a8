import path from 'node:path';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { SingleBar, Presets } from 'cli-progress';
import { createAdminKey, createDataSource, runMigrations } from '@optic/db';
import { checkPostgres, checkRedis, ConfigError } from '@optic/runtime';
import { ChildProcesses, freePort, ROOT } from './child-processes';
import { childBaseEnv, loadConfig } from './config';
import { buildConsoleIfStale } from './console-build';
import type { MainJobConfig } from './config';
import { seedDemoShop, sendDemoMessages } from './demo-run';
import { MailCatcher } from './mail-catcher';

const SANDBOX_LOGIN = 'demo@optic.local';
const SANDBOX_KEY = 'sandbox-key';
const FINAL = [
  'sent',
  'delivered',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'unknown',
];

type Counts = Record<string, Record<string, number>>;

/** `npm start -- --keep`: the stack stays up after the summary, for the console. */
const KEEP_STACK = process.argv.slice(2).includes('--keep');

/**
 * The main job: the whole stack on this machine, sending real SMS (to the
 * Octopush sandbox) and real e-mails (to a local SMTP server).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  await checkServices(config);
  const adminKey = await migrate(config);
  await buildConsole();

  const ports = {
    api: await freePort(),
    sandbox: await freePort(),
    smtp: await freePort(),
  };
  const catcher = new MailCatcher();
  await catcher.start(ports.smtp);
  const children = new ChildProcesses(
    path.resolve(ROOT, config.DEMO_DATA_DIR, 'logs'),
  );

  try {
    startStack(children, config, ports);
    const api = axios.create({
      baseURL: `http://127.0.0.1:${ports.api}`,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${adminKey}` },
    });
    await waitReady(api, children);
    const shopId = await runDemo(api, config, catcher, ports.sandbox);
    if (KEEP_STACK) await keepForConsole(api, ports.api, shopId);
    else
      console.log(
        'console: `npm start -- --keep` keeps the stack up after the summary to open it',
      );
  } finally {
    await children.stop();
    await catcher.stop();
  }
}

async function checkServices(config: MainJobConfig): Promise<void> {
  const unreachable =
    (await checkRedis(config.REDIS_URL)) ??
    (await checkPostgres(config.DATABASE_URL));
  if (unreachable) throw new ConfigError(unreachable);
}

/** The API serves the console's build: make it if missing or stale. */
async function buildConsole(): Promise<void> {
  const started = Date.now();
  const built = await buildConsoleIfStale();
  console.log(
    built
      ? `console: built in ${((Date.now() - started) / 1000).toFixed(1)} s`
      : 'console: build up to date',
  );
}

/**
 * Gives the demo shop's manager a key, prints where to sign in with it,
 * and waits for Ctrl+C (or SIGTERM) before the stack is stopped.
 */
async function keepForConsole(
  api: AxiosInstance,
  apiPort: number,
  shopId: string,
): Promise<void> {
  const created = await api.post(`/v1/shops/${shopId}/api-keys`, {
    role: 'manager',
    label: 'main job console',
  });
  if (created.status !== 201)
    throw new Error(
      `creating the console's key failed: ${created.status} ${JSON.stringify(created.data)}`,
    );
  console.log(
    `\nconsole: http://127.0.0.1:${apiPort}/console/ — sign in with the demo shop's manager key ${created.data.key}`,
  );
  console.log('the stack stays up: Ctrl+C stops it');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Applies the migrations and makes this run's admin key, as the command does. */
async function migrate(config: MainJobConfig): Promise<string> {
  const dataSource = await createDataSource({
    url: config.DATABASE_URL,
    poolSize: 2,
  }).initialize();
  const applied = await runMigrations(dataSource);
  const adminKey = await createAdminKey(dataSource.manager, 'main job');
  await dataSource.destroy();
  console.log(
    applied.length > 0
      ? `schema: applied ${applied.join(', ')}`
      : 'schema: up to date',
  );
  return adminKey;
}

function startStack(
  children: ChildProcesses,
  config: MainJobConfig,
  ports: Record<string, number>,
): void {
  const common = {
    ...childBaseEnv(),
    DATABASE_URL: config.DATABASE_URL,
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    LOG_LEVEL: config.LOG_LEVEL,
    DOCUMENTS_DIR: path.resolve(ROOT, config.DEMO_DATA_DIR, 'documents'),
  };
  const octopush = {
    OCTOPUSH_URL: `http://127.0.0.1:${ports.sandbox}`,
    OCTOPUSH_LOGIN: SANDBOX_LOGIN,
    OCTOPUSH_API_KEY: SANDBOX_KEY,
  };

  children.start({
    name: 'sms-sandbox',
    entry: 'services/sms-sandbox/src/main.ts',
    env: {
      ...childBaseEnv(),
      LOG_LEVEL: config.LOG_LEVEL,
      SMS_SANDBOX_PORT: String(ports.sandbox),
      SMS_SANDBOX_LOGIN: SANDBOX_LOGIN,
      SMS_SANDBOX_API_KEY: SANDBOX_KEY,
    },
  });
  children.start({
    name: 'api',
    entry: 'services/api/src/main.ts',
    // The demo seeds its clients as fast as it can with one key.
    env: {
      ...common,
      API_PORT: String(ports.api),
      RATE_LIMIT_PER_SECOND: '5000',
    },
  });
  children.start({
    name: 'worker-sms',
    entry: 'workers/sms/src/main.ts',
    env: { ...common, ...octopush },
  });
  children.start({
    name: 'worker-campaign',
    entry: 'workers/campaign/src/main.ts',
    env: common,
  });
  children.start({
    name: 'worker-email',
    entry: 'workers/email/src/main.ts',
    env: { ...common, SMTP_PORT: String(ports.smtp) },
  });
  console.log(
    `stack: api :${ports.api}, sms sandbox :${ports.sandbox}, smtp :${ports.smtp}; logs in ${config.DEMO_DATA_DIR}/logs`,
  );
}

async function waitReady(
  api: AxiosInstance,
  children: ChildProcesses,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const dead = children.dead();
    if (dead.length > 0)
      throw new Error(`${dead.join(', ')} stopped during start-up`);
    const ready = await api.get('/readyz').catch(() => null);
    if (ready?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the API was not ready within 60 s');
}

async function runDemo(
  api: AxiosInstance,
  config: MainJobConfig,
  catcher: MailCatcher,
  sandboxPort: number,
): Promise<string> {
  const started = Date.now();
  const seed = await seedDemoShop(api, config.DEMO_CLIENTS, 1500);
  const refusedTotal = Object.values(seed.refused).reduce((a, b) => a + b, 0);
  console.log(
    `seeded shop ${seed.shopId}: ${seed.clients.length} clients (${refusedTotal} refused by the API: ${JSON.stringify(seed.refused)})`,
  );

  const ids = await sendDemoMessages(
    api,
    seed,
    config.DEMO_SMS,
    config.DEMO_EMAILS,
  );
  const total = ids.sms.length + ids.email.length;
  console.log(
    `queued ${total} messages: ${ids.sms.length} lens-renewal SMS, ${ids.email.length} invoice e-mails with a PDF`,
  );

  const counts = await followProgress(api, seed.shopId, total);
  await printSummary(api, seed.shopId, counts, Date.now() - started);
  await printDeliveries(ids, catcher, sandboxPort);
  return seed.shopId;
}

async function followProgress(
  api: AxiosInstance,
  shopId: string,
  total: number,
): Promise<Counts> {
  const bar = new SingleBar(
    { format: 'sending [{bar}] {percentage}% | {value}/{total} final' },
    Presets.shades_classic,
  );
  bar.start(total, 0);
  const deadline = Date.now() + 5 * 60_000;

  for (;;) {
    const response = await api.get(`/v1/shops/${shopId}/messages/stats`);
    if (response.status !== 200)
      throw new Error(
        `progress: ${response.status} ${JSON.stringify(response.data)}`,
      );
    const counts = response.data.counts as Counts;
    const done = finalCount(counts);
    bar.update(done);
    if (done >= total) {
      bar.stop();
      return counts;
    }
    if (Date.now() > deadline) {
      bar.stop();
      throw new Error(
        `only ${done} of ${total} messages reached a final state within 5 minutes`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

function finalCount(counts: Counts): number {
  return Object.values(counts)
    .flatMap((byStatus) => Object.entries(byStatus))
    .filter(([status]) => FINAL.includes(status))
    .reduce((sum, [, n]) => sum + n, 0);
}

async function printSummary(
  api: AxiosInstance,
  shopId: string,
  counts: Counts,
  elapsedMs: number,
): Promise<void> {
  const statuses = [
    ...new Set(Object.values(counts).flatMap((c) => Object.keys(c))),
  ].sort();
  console.log('\nhistory by status');
  console.table(
    Object.fromEntries(
      Object.entries(counts).map(([channel, byStatus]) => [
        channel,
        Object.fromEntries(statuses.map((s) => [s, byStatus[s] ?? 0])),
      ]),
    ),
  );

  const reasons = await rejectionReasons(api, shopId);
  if (Object.keys(reasons).length > 0) console.log('reasons:', reasons);

  const credit = (await api.get(`/v1/shops/${shopId}/credit`)).data
    .balance as number;
  console.log(`credit: ${1500 - credit} used, ${credit} left of 1500`);
  console.log(`done in ${(elapsedMs / 1000).toFixed(1)} s`);
}

/** What the providers themselves received, counted on their side. */
async function printDeliveries(
  ids: { sms: string[] },
  catcher: MailCatcher,
  sandboxPort: number,
): Promise<void> {
  const ours = new Set(ids.sms);
  const sandbox = (
    await axios.get(`http://127.0.0.1:${sandboxPort}/_sandbox/messages`)
  ).data as { messages: { requestId: string }[] };
  const delivered = sandbox.messages.filter((m) => ours.has(m.requestId));
  const distinct = new Set(delivered.map((m) => m.requestId)).size;
  console.log(
    `sms sandbox: ${delivered.length} sends of this run (${distinct} distinct messages); smtp server: ${catcher.received} e-mails received`,
  );
}

async function rejectionReasons(
  api: AxiosInstance,
  shopId: string,
): Promise<Record<string, number>> {
  const reasons: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const page: {
      data: {
        items: { reason: string | null; status: string }[];
        nextCursor: string | null;
      };
    } = await api.get(`/v1/shops/${shopId}/messages`, {
      params: { limit: 200, ...(cursor ? { cursor } : {}) },
    });
    for (const item of page.data.items) {
      if (item.reason)
        reasons[`${item.status}: ${item.reason}`] =
          (reasons[`${item.status}: ${item.reason}`] ?? 0) + 1;
    }
    cursor = page.data.nextCursor;
  } while (cursor);
  return reasons;
}

main().catch((error: Error) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : (error.stack ?? error.message);
  console.error(`main job: ${message}`);
  process.exit(1);
});
