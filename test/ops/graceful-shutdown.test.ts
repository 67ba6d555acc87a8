import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import axios from 'axios';
import { QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { queueName } from '@optic/queue';
import {
  campaignCompleted,
  differences,
  launch,
  measure,
  NO_DIFFERENCE,
  report,
  smsCampaign,
} from '../faults/fault-support';
import { startTestStack, TEST_SECRET_KEY } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { freePort, spawnWorker } from '../support/worker-process';
import type { WorkerExit, WorkerProcess } from '../support/worker-process';

const ROOT = path.resolve(__dirname, '../..');
/** The product's default grace (SHUTDOWN_GRACE_MS) and closing margin. */
const DEFAULT_GRACE_MS = 20_000;
const CLOSING_MARGIN_MS = 5_000;

/** An SMS worker that keeps at least 50 sends in flight behind 2 s of latency. */
const SMS_WORKER_ENV = {
  SMS_CAMPAIGN_CONCURRENCY: '100',
  OCTOPUSH_TIMEOUT_MS: '10000',
  // A job left behind by a stopped worker would be found stalled by the
  // next one within about ten seconds, well inside the rest of the run.
  JOB_LOCK_MS: '5000',
  LOG_LEVEL: 'warn',
};

/** Sends the sandbox has received and not answered yet. */
function inFlightAtSandbox(stack: TestStack): number {
  const stats = stack.sandbox.stats();
  return stats.requests - stats.accepted - stats.rejected;
}

async function jobCounts(
  stack: TestStack,
): Promise<{ active: number; wait: number }> {
  const counts = await stack.producer
    .queue('sms', 'campaign')
    .getJobCounts('active', 'wait');
  return { active: counts.active ?? 0, wait: counts.wait ?? 0 };
}

async function messagesSending(
  stack: TestStack,
  shopId: string,
): Promise<number> {
  const rows: { n: string }[] = await stack.db.dataSource.query(
    `SELECT count(*) AS n FROM message WHERE shop_id = $1 AND status = 'sending'`,
    [shopId],
  );
  return Number(rows[0]!.n);
}

/** Counts BullMQ's `stalled` events of the SMS campaign queue from now on. */
async function watchStalled(
  stack: TestStack,
): Promise<{ count(): number; close(): Promise<void> }> {
  const connection = new IORedis(stack.redisUrl, {
    maxRetriesPerRequest: null,
  });
  const events = new QueueEvents(queueName('sms', 'campaign'), {
    connection,
    prefix: stack.redisPrefix,
  });
  let stalled = 0;
  events.on('stalled', () => (stalled += 1));
  await events.waitUntilReady();
  return {
    count: () => stalled,
    close: async () => {
      await events.close();
      connection.disconnect();
    },
  };
}

/**
 * Sends `signal` and waits for the exit, failing when the process is still
 * alive after `limitMs`: its own shutdown limit.
 */
async function stopWithin(
  child: { kill(signal: NodeJS.Signals): void; exited: Promise<WorkerExit> },
  limitMs: number,
): Promise<{ exit: WorkerExit; ms: number }> {
  const started = Date.now();
  let exit: WorkerExit | null = null;
  void child.exited.then((value) => (exit = value));
  child.kill('SIGTERM');
  await waitFor(() => exit !== null, {
    timeoutMs: limitMs,
    what: 'the process to exit within its shutdown limit',
  });
  return { exit: exit!, ms: Date.now() - started };
}

describe('an SMS worker stopped with SIGTERM in the middle of a 2,000-message campaign', () => {
  const RECIPIENTS = 2000;
  const CREDITS = RECIPIENTS * 2;
  let stack: TestStack;
  const processes: WorkerProcess[] = [];

  async function start(
    kind: 'sms' | 'campaign',
    env: Record<string, string>,
  ): Promise<WorkerProcess> {
    const worker = await spawnWorker(stack, kind, { env });
    processes.push(worker);
    await worker.started();
    return worker;
  }

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    stack.sandbox.configure({ latencyMs: 2000 });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await stack.close();
  });

  it('finishes its sends in flight, exits 0, leaves no stalled job, and the next worker ends the campaign with nothing sent twice', async () => {
    const { shopId, campaignId } = await smsCampaign(
      stack,
      RECIPIENTS,
      CREDITS,
    );
    await start('campaign', { LOG_LEVEL: 'warn' });
    const first = await start('sms', SMS_WORKER_ENV);
    await launch(stack, shopId, campaignId);

    const atSigterm = await waitFor(
      async () => {
        const accepted = stack.sandbox.stats().accepted;
        const inFlight = inFlightAtSandbox(stack);
        if (accepted < 200 || inFlight < 50) return undefined;
        return { accepted, inFlight, active: (await jobCounts(stack)).active };
      },
      { timeoutMs: 120_000, what: '50 sends in flight, mid-campaign' },
    );
    const stopped = await stopWithin(
      first,
      DEFAULT_GRACE_MS + CLOSING_MARGIN_MS,
    );
    const afterExit = {
      jobs: await jobCounts(stack),
      inFlight: inFlightAtSandbox(stack),
      sending: await messagesSending(stack, shopId),
      accepted: stack.sandbox.stats().accepted,
    };

    const stalled = await watchStalled(stack);
    await start('sms', SMS_WORKER_ENV);
    await campaignCompleted(stack, campaignId, 180_000);
    const figures = await measure(stack, shopId, CREDITS);
    await stalled.close();
    await report('sms worker SIGTERM mid-campaign', figures, {
      acceptedAtSigterm: atSigterm.accepted,
      inFlightAtSigterm: atSigterm.inFlight,
      activeJobsAtSigterm: atSigterm.active,
      exit: stopped.exit,
      exitMs: stopped.ms,
      acceptedAtExit: afterExit.accepted,
      activeJobsAfterExit: afterExit.jobs.active,
      sendingAfterExit: afterExit.sending,
      stalledEvents: stalled.count(),
    });

    expect(atSigterm.inFlight).toBeGreaterThanOrEqual(50);
    expect(stopped.exit).toEqual({ code: 0, signal: null });
    // Every send in flight was answered and recorded before the exit.
    expect(afterExit.inFlight).toBe(0);
    expect(afterExit.sending).toBe(0);
    expect(afterExit.jobs.active).toBe(0);
    expect(afterExit.accepted).toBeLessThan(RECIPIENTS);
    expect(stalled.count()).toBe(0);
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: RECIPIENTS });
  }, 300_000);
});

describe('an SMS worker whose sends outlast its shutdown grace', () => {
  const RECIPIENTS = 300;
  const CREDITS = RECIPIENTS * 2;
  const GRACE_MS = 1000;
  let stack: TestStack;
  const processes: WorkerProcess[] = [];

  async function startSms(env: Record<string, string>): Promise<WorkerProcess> {
    const worker = await spawnWorker(stack, 'sms', {
      env: { ...SMS_WORKER_ENV, ...env },
    });
    processes.push(worker);
    await worker.started();
    return worker;
  }

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    // Each send takes five times the grace: none can finish in it.
    stack.sandbox.configure({ latencyMs: 5 * GRACE_MS });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await stack.close();
  });

  it('hands its running jobs back to the queue at the deadline, exits 0, and the next worker sends each message once', async () => {
    const { shopId, campaignId } = await smsCampaign(
      stack,
      RECIPIENTS,
      CREDITS,
    );
    const fanout = await spawnWorker(stack, 'campaign', {
      env: { LOG_LEVEL: 'warn' },
    });
    processes.push(fanout);
    await fanout.started();
    const first = await startSms({ SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    await launch(stack, shopId, campaignId);

    const inFlightAtSigterm = await waitFor(
      () => {
        const inFlight = inFlightAtSandbox(stack);
        return inFlight >= 50 ? inFlight : undefined;
      },
      { timeoutMs: 60_000, what: '50 sends in flight' },
    );
    const stopped = await stopWithin(first, GRACE_MS + CLOSING_MARGIN_MS);
    const handedBack = Number(
      /"handedBack":(\d+)/.exec(first.output())?.[1] ?? 0,
    );
    const jobsAfterExit = await jobCounts(stack);

    stack.sandbox.configure({ latencyMs: 0 });
    const stalled = await watchStalled(stack);
    await startSms({});
    await campaignCompleted(stack, campaignId, 120_000);
    const figures = await measure(stack, shopId, CREDITS);
    await stalled.close();
    await report('sms worker SIGTERM, sends longer than the grace', figures, {
      graceMs: GRACE_MS,
      inFlightAtSigterm,
      exit: stopped.exit,
      exitMs: stopped.ms,
      handedBack,
      activeJobsAfterExit: jobsAfterExit.active,
      stalledEvents: stalled.count(),
    });

    expect(stopped.exit).toEqual({ code: 0, signal: null });
    expect(handedBack).toBeGreaterThanOrEqual(50);
    expect(jobsAfterExit.active).toBe(0);
    expect(jobsAfterExit.wait).toBeGreaterThanOrEqual(handedBack);
    expect(stalled.count()).toBe(0);
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: RECIPIENTS });
  }, 180_000);
});

/** The API as its own process, as `npm start` runs it. */
interface ApiProcess {
  url: string;
  exited: Promise<WorkerExit>;
  kill(signal: NodeJS.Signals): void;
}

async function spawnApi(stack: TestStack): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'services/api/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: stack.db.url,
        REDIS_URL: stack.redisUrl,
        QUEUE_PREFIX: stack.redisPrefix,
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        DOCUMENTS_DIR: stack.documentsDir,
        SECRET_KEY: TEST_SECRET_KEY.toString('base64'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<WorkerExit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(() => answers(url), { timeoutMs: 30_000, what: 'the API' });
  return { url, exited, kill: (signal) => child.kill(signal) };
}

/** True once `url` accepts a connection and answers /healthz. */
async function answers(url: string): Promise<boolean> {
  try {
    return (
      (await axios.get(`${url}/healthz`, { timeout: 5000 })).status === 200
    );
  } catch {
    return false;
  }
}

/**
 * A request whose body the test holds back: the server has read its
 * headers (it answered `100 Continue`) but waits for the body until
 * `finish` sends it.
 */
function slowRequest(
  url: string,
  pathname: string,
  authorization: string,
  body: string,
): { headersRead: Promise<void>; finish(): Promise<{ status: number }> } {
  // Kept alive, as clients' pools do: the API must still let it go.
  const agent = new http.Agent({ keepAlive: true });
  const request = http.request(`${url}${pathname}`, {
    method: 'POST',
    agent,
    headers: {
      Authorization: authorization,
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
      Expect: '100-continue',
    },
  });
  const response = new Promise<{ status: number }>((resolve, reject) => {
    request.once('response', (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    request.once('error', reject);
  });
  const headersRead = new Promise<void>((resolve) =>
    request.once('continue', () => resolve()),
  );
  request.flushHeaders();
  return {
    headersRead,
    finish: async () => {
      request.end(body);
      try {
        return await response;
      } finally {
        agent.destroy();
      }
    },
  };
}

describe('the API stopped with SIGTERM', () => {
  let stack: TestStack;
  let api: ApiProcess | null = null;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
  });

  afterAll(async () => {
    api?.kill('SIGKILL');
    await api?.exited;
    await stack.close();
  });

  it('refuses new connections, finishes the request in progress, and exits 0', async () => {
    api = await spawnApi(stack);
    const slow = slowRequest(
      api.url,
      '/v1/shops',
      stack.authorization,
      JSON.stringify({ name: 'Optique du Port', smsSender: 'OptPort' }),
    );
    await slow.headersRead;

    const stopping = stopWithin(api, DEFAULT_GRACE_MS + CLOSING_MARGIN_MS);
    await waitFor(async () => !(await answers(api!.url)), {
      timeoutMs: 10_000,
      what: 'the API to refuse new connections',
    });
    const inFlight = await slow.finish();
    const stopped = await stopping;
    const created: { n: string }[] = await stack.db.dataSource.query(
      `SELECT count(*) AS n FROM shop WHERE name = 'Optique du Port'`,
    );
    process.stdout.write(
      `[shutdown] ${JSON.stringify({ scenario: 'api SIGTERM with a request in flight', inFlightStatus: inFlight.status, exit: stopped.exit, exitMs: stopped.ms })}\n`,
    );

    expect(inFlight.status).toBe(201);
    expect(Number(created[0]!.n)).toBe(1);
    expect(stopped.exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});
