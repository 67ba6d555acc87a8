import { createShop, sendMessage } from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
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
  report,
  smsCampaign,
} from './fault-support';

/** Six calls per message: a message can meet several bursts and still go. */
const RETRY_POLICY = { attempts: 6, baseDelayMs: 200, maxDelayMs: 2000 };
/** The shortest wait the policy allows before a retry (equal jitter). */
const SHORTEST_RETRY_MS = RETRY_POLICY.baseDelayMs / 2;
/**
 * Sends already under way when a 429 arrives may still land just after it;
 * any send later than this past the 429 must wait for its Retry-After.
 */
const IN_FLIGHT_MARGIN_MS = 1000;

describe('the SMS provider answering 429 with Retry-After, timeouts and 5xx bursts during a campaign', () => {
  const RECIPIENTS = 300;
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ retryPolicy: RETRY_POLICY });
    stack.sandbox.configure({ latencyMs: 10 });
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Scripts a 429 once `after` sends were accepted; returns when it was answered. */
  async function rateLimitAfter(after: number, retryAfterSeconds: number) {
    await acceptedAtLeast(stack, after);
    const answeredBefore = stack.sandbox.stats().byCode['429'] ?? 0;
    const scriptedAt = Date.now();
    stack.sandbox.script([{ type: 'rate-limit', retryAfterSeconds }]);
    await waitFor(
      () => (stack.sandbox.stats().byCode['429'] ?? 0) > answeredBefore,
      { intervalMs: 2, what: 'the scripted 429 to be answered' },
    );
    return { scriptedAt, answeredBy: Date.now(), retryAfterSeconds };
  }

  it('sends every message once, waits out each Retry-After, and keeps the ledger exact', async () => {
    const { shopId, campaignId } = await smsCampaign(
      stack,
      RECIPIENTS,
      RECIPIENTS * 2,
    );
    await launch(stack, shopId, campaignId);

    const first = await rateLimitAfter(40, 3);
    await acceptedAtLeast(stack, 100);
    stack.sandbox.script([
      ...Array.from({ length: 6 }, () => ({
        type: 'http' as const,
        status: 503 as const,
      })),
      ...Array.from({ length: 3 }, () => ({
        type: 'http' as const,
        status: 500 as const,
      })),
    ]);
    await acceptedAtLeast(stack, 150);
    stack.sandbox.script(
      Array.from({ length: 4 }, () => ({ type: 'timeout' as const })),
    );
    const second = await rateLimitAfter(200, 2);

    await campaignCompleted(stack, campaignId, 120_000);
    const figures = await measure(stack, shopId, RECIPIENTS * 2);
    const early = [first, second].map((limit) => sendsTooEarly(stack, limit));
    const quickRetries = await retriesSoonerThan(
      stack,
      shopId,
      SHORTEST_RETRY_MS,
    );
    await report('sms provider 429, timeouts and 5xx', figures, {
      refusals: stack.sandbox.stats().byCode,
      sendsInsideRetryAfter: early,
      retriesSoonerThanPolicy: quickRetries,
    });
    expect(differences(figures)).toEqual(NO_DIFFERENCE);
    expect(figures.byStatus).toEqual({ sent: RECIPIENTS });
    expect(stack.sandbox.stats().byCode).toEqual({
      '429': 2,
      '503': 6,
      '500': 3,
      timeout: 4,
    });
    expect(early).toEqual([0, 0]);
    expect(quickRetries).toBe(0);
  }, 180_000);
});

describe('the SMTP server answering 421 for a while, then recovering', () => {
  const MESSAGES = 60;
  const REFUSALS = 8;
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ retryPolicy: RETRY_POLICY });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('sends every e-mail once, each retry after the policy’s delay', async () => {
    const shopId = await createShop(stack.api);
    await insertClients(stack.db.dataSource, shopId, MESSAGES);
    const clients: { id: string }[] = await stack.db.dataSource.query(
      'SELECT id FROM client WHERE shop_id = $1',
      [shopId],
    );
    const ids: string[] = [];
    for (const [n, { id }] of clients.entries()) {
      if (n === 10)
        stack.smtp.failNext(
          ...Array.from({ length: REFUSALS }, () => ({
            at: 'rcpt' as const,
            code: 421,
            message: '4.7.0 Too busy, try again later',
          })),
        );
      ids.push(
        await sendMessage(stack.api, shopId, {
          channel: 'email',
          clientId: id,
          subject: 'Vos lunettes sont prêtes',
          body: '<p>Bonjour %prenom</p>',
        }),
      );
    }

    await allFinal(stack, shopId, 60_000);
    const statuses: { status: string; n: string }[] =
      await stack.db.dataSource.query(
        'SELECT status, count(*) AS n FROM message WHERE shop_id = $1 GROUP BY status',
        [shopId],
      );
    const received = receivedPerMessage(stack, ids);
    const figures = {
      messages: ids.length,
      byStatus: Object.fromEntries(
        statuses.map((s) => [s.status, Number(s.n)]),
      ),
      received: [...received.values()].reduce((a, b) => a + b, 0),
      duplicates: [...received.values()].filter((n) => n > 1).length,
      neverReceived: ids.filter((id) => !received.has(id)).length,
      retried: await retriedCount(stack, shopId),
      retriesSoonerThanPolicy: await retriesSoonerThan(
        stack,
        shopId,
        SHORTEST_RETRY_MS,
      ),
    };
    await report('smtp 421 then recovery', figures);
    expect(figures).toEqual({
      messages: MESSAGES,
      byStatus: { sent: MESSAGES },
      received: MESSAGES,
      duplicates: 0,
      neverReceived: 0,
      retried: expect.any(Number),
      retriesSoonerThanPolicy: 0,
    });
    expect(figures.retried).toBeGreaterThan(0);
  }, 120_000);
});

/** Sends accepted after the 429's in-flight margin but before its Retry-After ran out. */
function sendsTooEarly(
  stack: TestStack,
  limit: { scriptedAt: number; answeredBy: number; retryAfterSeconds: number },
): number {
  const from = limit.answeredBy + IN_FLIGHT_MARGIN_MS;
  const until = limit.scriptedAt + limit.retryAfterSeconds * 1000;
  return stack.sandbox.messages().filter((m) => {
    const at = Date.parse(m.receivedAt);
    return at >= from && at < until;
  }).length;
}

/**
 * Messages whose success came sooner after their last failed attempt than
 * the retry policy's shortest delay.
 */
async function retriesSoonerThan(
  stack: TestStack,
  shopId: string,
  shortestMs: number,
): Promise<number> {
  const rows: { n: string }[] = await stack.db.dataSource.query(
    `SELECT count(*) AS n FROM message m
     JOIN LATERAL (SELECT max(occurred_at) AS failed_at FROM message_event e
                   WHERE e.message_id = m.id AND e.kind = 'attempt_failed') f ON true
     WHERE m.shop_id = $1 AND f.failed_at IS NOT NULL
       AND m.sent_at < f.failed_at + make_interval(secs => $2::float / 1000)`,
    [shopId, shortestMs],
  );
  return Number(rows[0]!.n);
}

async function retriedCount(stack: TestStack, shopId: string): Promise<number> {
  const rows: { n: string }[] = await stack.db.dataSource.query(
    `SELECT count(DISTINCT e.message_id) AS n FROM message_event e
     JOIN message m ON m.id = e.message_id
     WHERE m.shop_id = $1 AND e.kind = 'attempt_failed'`,
    [shopId],
  );
  return Number(rows[0]!.n);
}

/** Mails received per message id, read from their Message-ID. */
function receivedPerMessage(
  stack: TestStack,
  ids: string[],
): Map<string, number> {
  const wanted = new Set(ids);
  const counts = new Map<string, number>();
  for (const mail of stack.smtp.received) {
    const id = /^<([^@]+)@/.exec(mail.parsed.messageId ?? '')?.[1];
    if (id && wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}
