import { loadConfig } from '../../workers/sms/src/config';
import { buyCredits, createShop, sendMessage } from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { spawnWorker } from '../support/worker-process';
import type { WorkerExit, WorkerProcess } from '../support/worker-process';
import {
  allFinal,
  differences,
  FAST_RECOVERY_ENV,
  measure,
  NO_DIFFERENCE,
  refusedAsDuplicate,
  report,
  TWO_PART_TEXT,
} from './fault-support';

const MESSAGES = 40;
/** Every fourth client's number is refused by the provider (code 117). */
const INVALID_EVERY = 4;
const CREDITS = MESSAGES * 2;

type CrashPoint = 'after-debit' | 'after-provider-accept' | 'during-refund';

describe('a worker killed with SIGKILL at a fixed point of a send, then restarted', () => {
  let stack: TestStack;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    stack.sandbox.configure({
      invalidNumbers: Array.from({ length: MESSAGES / INVALID_EVERY }, (_, i) =>
        insertedMobile((i + 1) * INVALID_EVERY),
      ),
    });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await stack.close();
  });

  async function spawnSmsWorker(
    env: Record<string, string> = {},
  ): Promise<WorkerProcess> {
    const worker = await spawnWorker(stack, 'sms', {
      env: { ...FAST_RECOVERY_ENV, ...env },
    });
    processes.push(worker);
    return worker;
  }

  async function startSmsWorker(): Promise<WorkerProcess> {
    const worker = await spawnSmsWorker();
    await worker.started();
    return worker;
  }

  /** Queues the shop's sends, then lets a worker with the hook take them. */
  async function crashAt(point: CrashPoint): Promise<string> {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, CREDITS);
    await insertClients(stack.db.dataSource, shopId, MESSAGES);
    const clients: { id: string }[] = await stack.db.dataSource.query(
      'SELECT id FROM client WHERE shop_id = $1',
      [shopId],
    );
    for (const { id } of clients)
      await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId: id,
        body: TWO_PART_TEXT,
      });

    // Not waited for as started: with sends already queued, it may reach
    // its crash point before its health endpoint first answers.
    const doomed = await spawnSmsWorker({ TEST_CRASH_AT: point });
    expect(await exitOf(doomed)).toEqual({ code: null, signal: 'SIGKILL' });
    return shopId;
  }

  async function recover(shopId: string): Promise<void> {
    const worker = await startSmsWorker();
    await allFinal(stack, shopId, 60_000);
    await worker.kill('SIGTERM');
  }

  it('after the credit debit: sent once or refunded, nothing lost', async () => {
    const shopId = await crashAt('after-debit');
    const atCrash = await measure(stack, shopId, CREDITS);
    expect(atCrash.byStatus.sending).toBeGreaterThan(0);

    await recover(shopId);
    const figures = await measure(stack, shopId, CREDITS);
    await report('kill -9 after the credit debit', figures, {
      leftSendingByKill: atCrash.byStatus.sending,
    });
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: 30, failed: 10 });
  }, 120_000);

  it('after the provider accepted, before the record: the resend is absorbed by request_id', async () => {
    const duplicatesBefore = refusedAsDuplicate(stack);
    const shopId = await crashAt('after-provider-accept');
    const atCrash = await measure(stack, shopId, CREDITS);
    // The crash left at least one message accepted by the provider but not recorded.
    expect(atCrash.acceptedNotSent).toBeGreaterThan(0);

    await recover(shopId);
    const figures = await measure(stack, shopId, CREDITS);
    const absorbed = refusedAsDuplicate(stack) - duplicatesBefore;
    await report('kill -9 after the provider accepted', figures, {
      acceptedNotRecordedByKill: atCrash.acceptedNotSent,
      refusedAsDuplicate: absorbed,
    });
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: 30, failed: 10 });
    expect(absorbed).toBeGreaterThanOrEqual(atCrash.acceptedNotSent);
  }, 120_000);

  it('during a refund: the failure and its refund are recorded once, together', async () => {
    const shopId = await crashAt('during-refund');
    const atCrash = await measure(stack, shopId, CREDITS);
    // The refund's transaction died with the process: no failure was kept.
    expect(atCrash.byStatus.failed ?? 0).toBe(0);
    expect(await refunds(stack, shopId)).toEqual([]);

    await recover(shopId);
    const figures = await measure(stack, shopId, CREDITS);
    await report('kill -9 during a refund', figures, {
      leftSendingByKill: atCrash.byStatus.sending ?? 0,
    });
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: 30, failed: 10 });
    const refunded = await refunds(stack, shopId);
    expect(refunded).toHaveLength(10);
    expect(refunded.every((r) => r.amount === 2)).toBe(true);
  }, 120_000);
});

/** The mobile `insertClients` gives its `n`th client. */
function insertedMobile(n: number): string {
  return `+3361${String(n).padStart(7, '0')}`;
}

async function exitOf(worker: WorkerProcess): Promise<WorkerExit> {
  let exit: WorkerExit | null = null;
  void worker.exited.then((value) => (exit = value));
  return waitFor(() => exit ?? undefined, {
    timeoutMs: 30_000,
    what: `worker ${worker.pid} to reach its crash point`,
  });
}

async function refunds(
  stack: TestStack,
  shopId: string,
): Promise<{ message_id: string; amount: number }[]> {
  return stack.db.dataSource.query(
    `SELECT message_id, amount FROM credit_ledger WHERE shop_id = $1 AND kind = 'refund'`,
    [shopId],
  );
}

describe('the TEST_CRASH_AT hook', () => {
  it('is off unless set, and refuses an unknown point by name', () => {
    expect(loadConfig({}).TEST_CRASH_AT).toBeUndefined();
    expect(loadConfig({ TEST_CRASH_AT: 'during-refund' }).TEST_CRASH_AT).toBe(
      'during-refund',
    );
    expect(() => loadConfig({ TEST_CRASH_AT: 'before-lunch' })).toThrow(
      /TEST_CRASH_AT: .*"after-debit"/,
    );
  });
});
