import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { spawnWorker } from '../support/worker-process';
import type { WorkerProcess } from '../support/worker-process';
import {
  acceptedAtLeast,
  campaignCompleted,
  differences,
  FAST_RECOVERY_ENV,
  launch,
  measure,
  NO_DIFFERENCE,
  pendingCount,
  refusedAsDuplicate,
  report,
  smsCampaign,
} from './fault-support';

const RECIPIENTS = 2000;
const CREDITS = RECIPIENTS * 2;

describe('an SMS worker killed with SIGKILL in the middle of a 2,000-message campaign', () => {
  let stack: TestStack;
  const processes: WorkerProcess[] = [];

  async function start(kind: 'sms' | 'campaign'): Promise<WorkerProcess> {
    const worker = await spawnWorker(stack, kind, { env: FAST_RECOVERY_ENV });
    processes.push(worker);
    await worker.started();
    return worker;
  }

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    // A little provider latency keeps dozens of sends in flight at the kill.
    stack.sandbox.configure({ latencyMs: 20 });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await stack.close();
  });

  it('ends every message final, each id accepted at most once, and the ledger exact', async () => {
    const { shopId, campaignId } = await smsCampaign(
      stack,
      RECIPIENTS,
      CREDITS,
    );
    await start('campaign');
    const doomed = await start('sms');
    await launch(stack, shopId, campaignId);

    const acceptedAtKill = await acceptedAtLeast(stack, RECIPIENTS * 0.4);
    expect(await doomed.kill('SIGKILL')).toEqual({
      code: null,
      signal: 'SIGKILL',
    });
    const leftSending = await sendingCount(stack, shopId);
    const pendingAtKill = await pendingCount(stack, shopId);
    expect(pendingAtKill).toBeGreaterThan(0);

    await start('sms');
    await campaignCompleted(stack, campaignId, 120_000);

    const figures = await measure(stack, shopId, CREDITS);
    await report('sms worker kill -9 mid-campaign', figures, {
      acceptedAtKill,
      leftSendingByKill: leftSending,
      refusedAsDuplicate: refusedAsDuplicate(stack),
    });
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: RECIPIENTS });
  }, 300_000);
});

async function sendingCount(stack: TestStack, shopId: string): Promise<number> {
  const rows: { n: string }[] = await stack.db.dataSource.query(
    `SELECT count(*) AS n FROM message WHERE shop_id = $1 AND status = 'sending'`,
    [shopId],
  );
  return Number(rows[0]!.n);
}
