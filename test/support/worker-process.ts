import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import axios from 'axios';
import {
  SANDBOX_KEY,
  SANDBOX_LOGIN,
  TEST_PUBLIC_BASE_URL,
  TEST_SECRET_KEY,
  TEST_UNSUBSCRIBE_SECRET,
} from './test-stack';
import type { TestStack } from './test-stack';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '../..');
/** Enough of a process's output to see why it failed, not a whole campaign's log. */
const KEPT_OUTPUT_CHARS = 256 * 1024;

export type WorkerKind = 'sms' | 'email' | 'campaign';

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcessOptions {
  /** Overrides or additions to the environment built from the stack. */
  env?: Record<string, string>;
  /**
   * Serve `/metrics`, `/healthz` and `/readyz` on a free port; `started()`
   * polls `/healthz`. Without it, `started()` waits for the start-up log
   * line, which needs `LOG_LEVEL` info or lower. @defaultValue true
   */
  ops?: boolean;
}

/** A worker running as its own Node process, as `npm start` runs it. */
export interface WorkerProcess {
  kind: WorkerKind;
  pid: number;
  /** `http://127.0.0.1:<port>` of its `/metrics`, `/healthz` and `/readyz`. */
  opsUrl: string | null;
  /** Settles once the process has exited, however it ended. */
  exited: Promise<WorkerExit>;
  /** Resolves once it has started: Redis and Postgres checked, workers running. */
  started(timeoutMs?: number): Promise<void>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<WorkerExit>;
  /** Its stdout and stderr so far (the last 256 KiB), for failure messages. */
  output(): string;
}

const ENTRIES: Record<WorkerKind, string> = {
  sms: 'workers/sms/src/main.ts',
  email: 'workers/email/src/main.ts',
  campaign: 'workers/campaign/src/main.ts',
};

/**
 * Spawns the real `kind` worker pointed at `stack`'s database, Redis, queue
 * prefix, sandbox and SMTP server, with the stack's retry policy. The
 * caller kills it (`kill`) before closing the stack.
 */
export async function spawnWorker(
  stack: TestStack,
  kind: WorkerKind,
  options: WorkerProcessOptions = {},
): Promise<WorkerProcess> {
  const opsPort = options.ops === false ? 0 : await freePort();
  const env = {
    ...stackEnv(stack),
    ...kindEnv(stack, kind),
    METRICS_PORT: String(opsPort),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRIES[kind]], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<WorkerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exit: WorkerExit | null = null;
  void exited.then((value) => (exit = value));

  const opsUrl = opsPort ? `http://127.0.0.1:${opsPort}` : null;
  const startedLine = `worker-${kind} started`;
  return {
    kind,
    pid: child.pid ?? 0,
    opsUrl,
    exited,
    started: async (timeoutMs = 30_000) => {
      await waitFor(
        async () => {
          if (exit)
            throw new Error(
              `worker-${kind} exited (${JSON.stringify(exit)}) before starting:\n${output}`,
            );
          return opsUrl
            ? answers(`${opsUrl}/healthz`)
            : output.includes(startedLine);
        },
        { timeoutMs, intervalMs: 100, what: `worker-${kind} to start` },
      );
    },
    kill: async (signal = 'SIGTERM') => {
      if (!exit) child.kill(signal);
      return exited;
    },
    output: () => output,
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await axios.get(url, { timeout: 1000 })).status === 200;
  } catch {
    return false;
  }
}

/** What every worker needs to find the stack. */
function stackEnv(stack: TestStack): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    DATABASE_URL: stack.databaseUrl,
    REDIS_URL: stack.redisUrl,
    QUEUE_PREFIX: stack.redisPrefix,
    LOG_LEVEL: 'info',
    SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
    RETRY_ATTEMPTS: String(stack.retryPolicy.attempts),
    RETRY_BASE_DELAY_MS: String(stack.retryPolicy.baseDelayMs),
    RETRY_MAX_DELAY_MS: String(stack.retryPolicy.maxDelayMs),
  };
}

function kindEnv(stack: TestStack, kind: WorkerKind): Record<string, string> {
  if (kind === 'sms')
    return {
      OCTOPUSH_URL: stack.sandboxUrl,
      OCTOPUSH_LOGIN: SANDBOX_LOGIN,
      OCTOPUSH_API_KEY: SANDBOX_KEY,
      OCTOPUSH_TIMEOUT_MS: '2000',
    };
  if (kind === 'email')
    return {
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(stack.smtp.port),
      EMAIL_FROM: 'no-reply@optic.test',
      DOCUMENTS_DIR: stack.documentsDir,
      UNSUBSCRIBE_SECRET: TEST_UNSUBSCRIBE_SECRET,
      PUBLIC_BASE_URL: TEST_PUBLIC_BASE_URL,
    };
  return { CAMPAIGN_CHECK_INTERVAL_MS: '200' };
}

/** A loopback TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === 'object' && address ? address.port : 0),
      );
    });
  });
}
