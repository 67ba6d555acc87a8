import fc from 'fast-check';
import { ManualClock } from '@optic/domain';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  mobileFor,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack, TEST_WEBHOOK_TOKEN } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

type Callback = 'receipts' | 'replies' | 'stops';

const HOUR_MS = 3_600_000;
const NOW = new Date('2026-12-08T09:00:00Z');

const FIELDS: Record<Callback, string[]> = {
  receipts: ['channel', 'message_id', 'number', 'status', 'delivery_date'],
  replies: [
    'message_id',
    'number',
    'text',
    'sim_card_number',
    'reception_date',
  ],
  stops: ['message_id', 'number', 'text', 'stop_date'],
};

function octopushDate(at: Date): string {
  return at.toISOString().slice(0, 19).replace('T', ' ');
}

/** Dates in and out of the window, and dates that are barely dates. */
const dateText = fc.oneof(
  fc
    .integer({ min: -30 * HOUR_MS, max: 5 * HOUR_MS })
    .map((offset) => octopushDate(new Date(NOW.getTime() + offset))),
  fc.constantFrom(
    '2020-11-04 11:11:45',
    '0000-00-00 00:00:00',
    '9999-12-31 23:59:59',
    '2026-02-31 25:61:61',
    '2026-12-08T09:00:00Z',
    '2026-12-08 09:00:00\u0000',
    '',
  ),
  fc.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
);

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('STOP', 'arrêt', '+33612345678', 'sms_5fa275dbf21dc', 'sms'),
  fc.string({ unit: 'binary', minLength: 1990, maxLength: 2100 }),
  fc.string().map((s) => `${s}\u0000${s}`),
);

const fieldValue = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 3, arbitrary: dateText },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Numbers and tickets of SMS this stack really sent. */
interface Sent {
  numbers: string[];
  tickets: string[];
}

/** A value Octopush could send in each field. */
function plausible(field: string, sent: Sent): fc.Arbitrary<unknown> {
  const values: Record<string, fc.Arbitrary<unknown>> = {
    channel: fc.constantFrom('sms', 'email'),
    message_id: fc.oneof(
      fc.constantFrom(...sent.tickets),
      fc.stringMatching(/^sms_[0-9a-f]{13}$/),
    ),
    number: fc.oneof(
      fc.constantFrom(...sent.numbers),
      fc.stringMatching(/^\+33[67]\d{8}$/),
    ),
    status: fc.constantFrom('DELIVERED', 'NOT_DELIVERED', 'ACK', 'undefined'),
    text: fc.oneof(fc.constantFrom('STOP', 'Merci', ''), text),
    sim_card_number: fc.constant('12345'),
  };
  return values[field] ?? dateText;
}

function nearlyValid(
  kind: Callback,
  sent: Sent,
): fc.Arbitrary<Record<string, unknown>> {
  const model = Object.fromEntries(
    FIELDS[kind].map((f) => [
      f,
      fc.oneof(
        { weight: 3, arbitrary: plausible(f, sent) },
        { weight: 1, arbitrary: fieldValue },
      ),
    ]),
  );
  return fc
    .tuple(
      fc.record(model, { requiredKeys: [] }),
      fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.jsonValue({ maxDepth: 1 }),
        {
          maxKeys: 2,
        },
      ),
    )
    .map(([fields, extra]) => ({ ...extra, ...fields }));
}

/** A body as sent on the wire: JSON of anything, or not JSON at all. */
function wireBody(kind: Callback, sent: Sent): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: nearlyValid(kind, sent).map((b) => JSON.stringify(b)),
    },
    {
      weight: 2,
      arbitrary: fc.jsonValue({ maxDepth: 3 }).map((b) => JSON.stringify(b)),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.constantFrom('{', '{"number":', '[]', 'null', '"x"', '{"a":1}}'),
      ),
    },
  );
}

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constant(`token=${TEST_WEBHOOK_TOKEN}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      'token=',
      'token=wrong',
      `token=${TEST_WEBHOOK_TOKEN}x`,
      `token=${TEST_WEBHOOK_TOKEN}&token=${TEST_WEBHOOK_TOKEN}`,
      `TOKEN=${TEST_WEBHOOK_TOKEN}`,
    ),
  },
);

describe('Octopush callbacks against the real API, fuzzed', () => {
  const clock = new ManualClock(NOW);
  let stack: TestStack;
  const statuses = new Map<number, number>();

  const sent: Sent = { numbers: [], tickets: [] };

  beforeAll(async () => {
    stack = await startTestStack({ clock });
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 10);
    for (const n of [1, 2, 3]) {
      const clientId = await createClient(stack.api, shopId, {
        mobile: mobileFor(n),
      });
      const id = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Vos lunettes sont prêtes',
      });
      const message = await waitFor(async () => {
        const m = await getMessage(stack.api, shopId, id);
        return m.status === 'sent' ? m : undefined;
      });
      sent.tickets.push(String(message.providerId));
      sent.numbers.push(String(message.recipient));
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  it.each<Callback>(['receipts', 'replies', 'stops'])(
    'never answers 5xx to arbitrary %s, and refuses a wrong token',
    async (kind) => {
      await fc.assert(
        fc.asyncProperty(wireBody(kind, sent), token, async (body, query) => {
          const response = await stack.api.post(
            `/v1/webhooks/octopush/${kind}?${query}`,
            body,
            {
              headers: { 'content-type': 'application/json' },
              transformRequest: [(data: unknown) => data],
            },
          );
          statuses.set(
            response.status,
            (statuses.get(response.status) ?? 0) + 1,
          );

          const genuine = query === `token=${TEST_WEBHOOK_TOKEN}`;
          // A body that is not JSON is refused (400) before any route.
          expect(genuine ? [204, 400] : [400, 401]).toContain(response.status);
        }),
        { numRuns: 120 },
      );
    },
  );

  it('reached the handlers: some callbacks were taken, some refused', () => {
    expect(statuses.get(204)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
    expect([...statuses.keys()].sort((a, b) => a - b)).toEqual([204, 400, 401]);
  });

  /** A callback that must be kept: fuzzed ones that all are are rare. */
  function genuine(kind: 'receipts' | 'replies'): Record<string, string> {
    const at = octopushDate(new Date(NOW.getTime() - HOUR_MS));
    const common = { message_id: sent.tickets[0]!, number: sent.numbers[0]! };
    return kind === 'receipts'
      ? { ...common, channel: 'sms', status: 'DELIVERED', delivery_date: at }
      : { ...common, text: 'Merci', sim_card_number: '1', reception_date: at };
  }

  it.each([
    ['receipts', 'sms_receipt', 'occurred_at'],
    ['replies', 'sms_reply', 'received_at'],
  ] as const)(
    'recorded %s, none dated outside the window',
    async (kind, table, column) => {
      const kept = await stack.api.post(
        `/v1/webhooks/octopush/${kind}?token=${TEST_WEBHOOK_TOKEN}`,
        genuine(kind),
      );
      expect(kept.status).toBe(204);

      const rows: { inside: boolean; count: string }[] =
        await stack.db.dataSource.query(
          `SELECT ${column} BETWEEN $1::timestamptz - interval '24 hours'
                AND $1::timestamptz + interval '3 hours' AS inside,
                count(*) AS count
         FROM ${table} GROUP BY 1`,
          [NOW],
        );

      expect(rows.find((row) => !row.inside)).toBeUndefined();
      expect(Number(rows.find((row) => row.inside)?.count)).toBeGreaterThan(0);
    },
  );
});
