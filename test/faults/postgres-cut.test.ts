import { buyCredits } from '../support/api-fixtures';
import { startTcpProxy } from '../support/tcp-proxy';
import type { CutMode, TcpProxy } from '../support/tcp-proxy';
import { TEST_POSTGRES_URL } from '../support/test-env';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import {
  acceptedAtLeast,
  allFinal,
  campaignCompleted,
  differences,
  launch,
  measure,
  NO_DIFFERENCE,
  refusedAsDuplicate,
  report,
  smsCampaign,
} from './fault-support';

const RECIPIENTS = 1000;
const CAMPAIGN_CREDITS = RECIPIENTS * 2;
/** Counter sends are one part each; enough for every one the test makes. */
const COUNTER_CREDITS = 200;
const OUTAGE_MS = 10_000;
/** A counter send is tried this often during the outage. */
const SEND_EVERY_MS = 250;
/**
 * Two tries half a second apart: were the outage to spend attempts, every
 * message tried during it would exhaust them and end failed.
 */
const TIGHT_RETRY_POLICY = {
  attempts: 2,
  baseDelayMs: 500,
  maxDelayMs: 500,
};

interface Answer {
  status: number;
  code?: string;
  dependency?: string;
  contentType: string;
  ms: number;
}

describe('Postgres unreachable for 10 seconds during an SMS campaign and a stream of counter sends', () => {
  let proxy: TcpProxy;
  let stack: TestStack;

  beforeAll(async () => {
    const postgres = new URL(TEST_POSTGRES_URL);
    proxy = await startTcpProxy({
      host: postgres.hostname,
      port: Number(postgres.port || 5432),
    });
    stack = await startTestStack({
      databaseAddress: proxy,
      retryPolicy: TIGHT_RETRY_POLICY,
    });
  });

  beforeEach(() => {
    // Each scenario counts the sandbox's sends and refusals from zero.
    stack.sandbox.reset();
    // Provider latency spreads the campaign over the outage.
    stack.sandbox.configure({ latencyMs: 200 });
  });

  afterAll(async () => {
    await proxy?.restore();
    await stack?.close();
    await proxy?.close();
  });

  async function counterSend(
    shopId: string,
    clientId: string,
  ): Promise<Answer> {
    const started = Date.now();
    const response = await stack.api.post(
      `/v1/shops/${shopId}/messages`,
      {
        channel: 'sms',
        clientId,
        body: 'Vos lunettes sont prêtes',
        salesperson: 'Julie',
      },
      // A request that hangs fails the test rather than waiting for jest.
      { timeout: 15_000 },
    );
    return {
      status: response.status,
      code: response.data?.code,
      dependency: response.data?.dependency,
      contentType: String(response.headers['content-type']),
      ms: Date.now() - started,
    };
  }

  /** Starts a counter send every SEND_EVERY_MS for the outage's length. */
  async function sendThroughOutage(
    shopId: string,
    clientIds: string[],
  ): Promise<Answer[]> {
    const sends: Promise<Answer>[] = [];
    const end = Date.now() + OUTAGE_MS;
    for (let n = 0; Date.now() < end; n += 1) {
      sends.push(counterSend(shopId, clientIds[n % clientIds.length]!));
      // Paces the stream of requests; nothing waits on a condition here.
      await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
    }
    return Promise.all(sends);
  }

  it.each<{ mode: CutMode; how: string }>([
    { mode: 'refuse', how: 'refused' },
    { mode: 'blackhole', how: 'never answered' },
  ])(
    'answers 503 naming Postgres while new connections are $how, then recovers by itself with nothing lost or sent twice',
    async ({ mode }) => {
      const { shopId, campaignId } = await smsCampaign(
        stack,
        RECIPIENTS,
        CAMPAIGN_CREDITS,
      );
      await buyCredits(stack.api, shopId, COUNTER_CREDITS);
      const clientIds = await someClients(stack, shopId, 20);
      await launch(stack, shopId, campaignId);
      const acceptedAtCut = await acceptedAtLeast(stack, 200, 60_000);

      await proxy.cut(mode);
      const duringOutage = await sendThroughOutage(shopId, clientIds);
      await proxy.restore();
      const restoredAt = Date.now();
      const afterOutage: Answer[] = [];
      await waitFor(
        async () => {
          afterOutage.push(await counterSend(shopId, clientIds[0]!));
          return afterOutage.at(-1)!.status === 202;
        },
        { timeoutMs: 30_000, intervalMs: 200, what: 'the API to accept' },
      );
      const acceptingAfterMs = Date.now() - restoredAt;

      await campaignCompleted(stack, campaignId, 180_000);
      await allFinal(stack, shopId, 60_000);
      const figures = await measure(
        stack,
        shopId,
        CAMPAIGN_CREDITS + COUNTER_CREDITS,
      );
      const slowest = Math.max(...duringOutage.map((a) => a.ms));
      await report(`postgres cut 10 s (${mode})`, figures, {
        acceptedAtCut,
        requestsDuringOutage: duringOutage.length,
        statusesDuringOutage: countBy(duringOutage.map((a) => a.status)),
        slowest503Ms: slowest,
        acceptingAfterMs,
        refusedAsDuplicate: refusedAsDuplicate(stack),
      });

      for (const answer of [...duringOutage, ...afterOutage.slice(0, -1)]) {
        expect(answer).toMatchObject({
          status: 503,
          code: 'database_unavailable',
          dependency: 'postgres',
          contentType: expect.stringContaining('application/problem+json'),
        });
      }
      expect(differences(figures)).toEqual(NO_DIFFERENCE);
      // The campaign and the one send accepted after the outage.
      expect(figures.byStatus).toEqual({ sent: RECIPIENTS + 1 });
    },
    300_000,
  );
});

async function someClients(
  stack: TestStack,
  shopId: string,
  count: number,
): Promise<string[]> {
  const rows: { id: string }[] = await stack.db.dataSource.query(
    'SELECT id FROM client WHERE shop_id = $1 ORDER BY id LIMIT $2',
    [shopId, count],
  );
  return rows.map((row) => row.id);
}

function countBy(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
