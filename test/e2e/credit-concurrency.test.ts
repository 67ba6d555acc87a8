import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { creditRepository } from '@optic/db';
import {
  buyCredits,
  createClient,
  createShop,
  mobileFor,
} from '../support/api-fixtures';
import { TEST_REDIS_URL } from '../support/test-env';
import {
  SANDBOX_KEY,
  SANDBOX_LOGIN,
  startTestStack,
} from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '../..');

/** A real SMS worker process, as `npm start` runs it. */
function spawnSmsWorker(stack: TestStack): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', 'workers/sms/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: stack.db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: stack.redisPrefix,
        OCTOPUSH_URL: stack.sandboxUrl,
        OCTOPUSH_LOGIN: SANDBOX_LOGIN,
        OCTOPUSH_API_KEY: SANDBOX_KEY,
        SMS_COUNTER_CONCURRENCY: '50',
        SMS_CAMPAIGN_CONCURRENCY: '50',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

describe('200 SMS at once on a credit of 100, two worker processes', () => {
  let stack: TestStack;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGTERM');
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((resolve) =>
            w.exitCode !== null ? resolve(null) : w.once('exit', resolve),
          ),
      ),
    );
    await stack.close();
  });

  it('sends exactly 100, rejects exactly 100, and the ledger matches the balance of 0', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 100);
    const clientIds = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        createClient(stack.api, shopId, { mobile: mobileFor(n) }),
      ),
    );

    // All 200 wait in the queue before any worker exists, so both processes race.
    const responses = await Promise.all(
      clientIds.map((clientId) =>
        stack.api.post(`/v1/shops/${shopId}/messages`, {
          channel: 'sms',
          clientId,
          body: 'Vos lunettes sont pretes.',
          salesperson: 'Julie',
        }),
      ),
    );
    expect(responses.every((r) => r.status === 202)).toBe(true);
    workers.push(spawnSmsWorker(stack), spawnSmsWorker(stack));

    const counts = await waitFor(
      async () => {
        const rows: { status: string; count: string }[] =
          await stack.db.dataSource.query(
            'SELECT status, count(*) FROM message WHERE shop_id = $1 GROUP BY status',
            [shopId],
          );
        const byStatus = Object.fromEntries(
          rows.map((r) => [r.status, Number(r.count)]),
        );
        return (byStatus.sent ?? 0) + (byStatus.rejected ?? 0) === 200
          ? byStatus
          : undefined;
      },
      { timeoutMs: 60_000, what: 'all 200 messages to settle' },
    );

    expect(counts).toEqual({ sent: 100, rejected: 100 });
    expect(stack.sandbox.messages()).toHaveLength(100);
    const manager = stack.db.dataSource.manager;
    expect(await creditRepository.balance(manager, shopId)).toBe(0);
    expect(await creditRepository.ledgerSum(manager, shopId)).toBe(0);
    const reasons: { reason: string }[] = await stack.db.dataSource.query(
      `SELECT DISTINCT reason FROM message WHERE shop_id = $1 AND status = 'rejected'`,
      [shopId],
    );
    expect(reasons).toEqual([{ reason: 'insufficient_credit' }]);
  });
});
