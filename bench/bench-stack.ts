import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FANOUT_QUEUE, queueName } from '@optic/queue';
import type { ChildProcesses } from '../scripts/main-job/child-processes';
import { freePort } from '../scripts/main-job/child-processes';
import { childBaseEnv } from '../scripts/main-job/config';
import { procStatusBytes } from './process-memory';

const SANDBOX_LOGIN = 'bench@optic.local';
const SANDBOX_KEY = 'bench-sandbox-key';

/** The processes whose peak memory the bench reports, in table order. */
export const STACK_PROCESSES = [
  'api',
  'worker-sms',
  'worker-email',
  'worker-campaign',
  'sms-sandbox',
] as const;

export type StackProcess = (typeof STACK_PROCESSES)[number];

export interface StackSettings {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  smtpPort: number;
  logLevel: string;
  documentsDir: string;
  /** Sent as `Authorization: Bearer …` on every API call. */
  apiKey: string;
  /** Node flags per process, e.g. `--cpu-prof` for the profile run. */
  nodeArgs?: Partial<Record<StackProcess, string[]>>;
}

export interface BenchStack {
  api: AxiosInstance;
  sandboxUrl: string;
  pids: Record<StackProcess, number>;
  /** Resident set of each process once the stack is ready, before any work. */
  rssAtStart: Record<StackProcess, number | null>;
  children: ChildProcesses;
}

/**
 * Starts the product as `npm start` does, one child process each, on free
 * loopback ports, with the bench's database and key prefix; waits until
 * the API and the sandbox answer and every queue has its worker.
 */
export async function startBenchStack(
  settings: StackSettings,
  children: ChildProcesses,
  redis: Redis,
): Promise<BenchStack> {
  const ports = { api: await freePort(), sandbox: await freePort() };
  const common = {
    ...childBaseEnv(),
    DATABASE_URL: settings.databaseUrl,
    REDIS_URL: settings.redisUrl,
    QUEUE_PREFIX: settings.queuePrefix,
    LOG_LEVEL: settings.logLevel,
    DOCUMENTS_DIR: settings.documentsDir,
  };
  const envs: Record<StackProcess, Record<string, string>> = {
    'sms-sandbox': {
      ...childBaseEnv(),
      LOG_LEVEL: settings.logLevel,
      SMS_SANDBOX_PORT: String(ports.sandbox),
      SMS_SANDBOX_LOGIN: SANDBOX_LOGIN,
      SMS_SANDBOX_API_KEY: SANDBOX_KEY,
    },
    // Counter sends are followed every 20 ms with the bench's one key.
    api: {
      ...common,
      API_PORT: String(ports.api),
      RATE_LIMIT_PER_SECOND: '5000',
    },
    'worker-sms': {
      ...common,
      OCTOPUSH_URL: `http://127.0.0.1:${ports.sandbox}`,
      OCTOPUSH_LOGIN: SANDBOX_LOGIN,
      OCTOPUSH_API_KEY: SANDBOX_KEY,
    },
    'worker-email': { ...common, SMTP_PORT: String(settings.smtpPort) },
    'worker-campaign': common,
  };

  const pids = {} as Record<StackProcess, number>;
  for (const name of STACK_PROCESSES) {
    const child = children.start({
      name,
      entry: entryOf(name),
      env: envs[name],
      nodeArgs: settings.nodeArgs?.[name],
    });
    pids[name] = child.pid!;
  }

  const api = axios.create({
    baseURL: `http://127.0.0.1:${ports.api}`,
    validateStatus: () => true,
    headers: { Authorization: `Bearer ${settings.apiKey}` },
  });
  const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
  const queues = [
    queueName('sms', 'counter'),
    queueName('sms', 'campaign'),
    queueName('email', 'campaign'),
    FANOUT_QUEUE,
  ].map(
    (name) =>
      new Queue(name, { connection: redis, prefix: settings.queuePrefix }),
  );
  try {
    await waitUntil(children, 'the stack to start', async () => {
      const ready = await api.get('/readyz').catch(() => null);
      const sandbox = await axios
        .get(`${sandboxUrl}/_sandbox/stats`)
        .catch(() => null);
      if (ready?.status !== 200 || sandbox?.status !== 200) return false;
      // Each worker names its Redis connections: CLIENT LIST shows them.
      const workers = await Promise.all(queues.map((q) => q.getWorkersCount()));
      return workers.every((count) => count > 0);
    });
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
  const rssAtStart = Object.fromEntries(
    STACK_PROCESSES.map((name) => [name, procStatusBytes(pids[name], 'VmRSS')]),
  ) as Record<StackProcess, number | null>;
  return { api, sandboxUrl, pids, rssAtStart, children };
}

function entryOf(name: StackProcess): string {
  if (name === 'api') return 'services/api/src/main.ts';
  if (name === 'sms-sandbox') return 'services/sms-sandbox/src/main.ts';
  return `workers/${name.slice('worker-'.length)}/src/main.ts`;
}

async function waitUntil(
  children: ChildProcesses,
  what: string,
  ready: () => Promise<boolean>,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = children.dead();
    if (dead.length > 0)
      throw new Error(`${dead.join(', ')} stopped while waiting for ${what}`);
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
}
