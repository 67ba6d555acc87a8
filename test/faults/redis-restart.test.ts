import axios from 'axios';
import { PrivateRedis } from '../support/redis-server';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
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
  refusedAsDuplicate,
  report,
  smsCampaign,
} from './fault-support';

const RECIPIENTS = 1000;
const CREDITS = RECIPIENTS * 2;

describe.each([
  { persistence: 'with AOF (appendfsync always)', appendOnly: true },
  { persistence: 'without persistence', appendOnly: false },
])(
  'Redis killed with SIGKILL mid-campaign and restarted $persistence',
  ({ persistence, appendOnly }) => {
    let redis: PrivateRedis;
    let stack: TestStack;
    const processes: WorkerProcess[] = [];

    async function start(kind: 'sms' | 'campaign'): Promise<WorkerProcess> {
      const worker = await spawnWorker(stack, kind, { env: FAST_RECOVERY_ENV });
      processes.push(worker);
      await worker.started();
      return worker;
    }

    beforeAll(async () => {
      redis = await PrivateRedis.start({ appendOnly });
      stack = await startTestStack({ workers: false, redisUrl: redis.url });
      stack.sandbox.configure({ latencyMs: 20 });
    });

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      await stack?.close();
      await redis?.close();
    });

    it('recovers by itself: every message sent once, the ledger exact', async () => {
      const { shopId, campaignId } = await smsCampaign(
        stack,
        RECIPIENTS,
        CREDITS,
      );
      await start('campaign');
      const sms = await start('sms');
      await launch(stack, shopId, campaignId);

      const acceptedAtKill = await acceptedAtLeast(stack, RECIPIENTS * 0.4);
      await redis.kill();
      // The worker has noticed: its readiness fails while Redis is away.
      await waitFor(async () => !(await ready(sms)), {
        what: 'the SMS worker to report Redis down',
      });
      await redis.restart();

      await campaignCompleted(stack, campaignId, 120_000);
      const figures = await measure(stack, shopId, CREDITS);
      await report(`redis kill -9 and restart ${persistence}`, figures, {
        acceptedAtKill,
        refusedAsDuplicate: refusedAsDuplicate(stack),
      });
      expect(differences(figures)).toEqual(NO_DIFFERENCE);
      expect(figures.byStatus).toEqual({ sent: RECIPIENTS });
      expect(await ready(sms)).toBe(true);
    }, 240_000);
  },
);

async function ready(worker: WorkerProcess): Promise<boolean> {
  const response = await axios.get(`${worker.opsUrl}/readyz`, {
    timeout: 3000,
    validateStatus: () => true,
  });
  return response.status === 200;
}

describe('a launched campaign whose fan-out job Redis lost before any worker took it', () => {
  const RECIPIENTS_LOST = 500;
  let redis: PrivateRedis;
  let stack: TestStack;
  const processes: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await PrivateRedis.start({ appendOnly: false });
    stack = await startTestStack({ workers: false, redisUrl: redis.url });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await stack?.close();
    await redis?.close();
  });

  it('is fanned out by the campaign worker all the same, each message sent once', async () => {
    const credits = RECIPIENTS_LOST * 2;
    const { shopId, campaignId } = await smsCampaign(
      stack,
      RECIPIENTS_LOST,
      credits,
    );
    await launch(stack, shopId, campaignId);
    await redis.kill();
    await redis.restart();

    for (const kind of ['campaign', 'sms'] as const) {
      const worker = await spawnWorker(stack, kind, {
        env: FAST_RECOVERY_ENV,
      });
      processes.push(worker);
      await worker.started();
    }
    await campaignCompleted(stack, campaignId, 120_000);

    const figures = await measure(stack, shopId, credits);
    await report('redis lost a launched fan-out (no persistence)', figures);
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: RECIPIENTS_LOST });
  }, 120_000);
});
