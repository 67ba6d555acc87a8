import { ManualClock } from '@optic/domain';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack, TEST_WEBHOOK_TOKEN } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

type Callback = 'receipts' | 'replies' | 'stops';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

describe('Octopush callbacks: replay window and duplicates', () => {
  // A Tuesday morning, inside every sending window.
  const start = new Date('2026-12-08T09:00:00Z');
  const clock = new ManualClock(start);
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ clock });
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 100);
  });

  afterEach(() => {
    clock.set(start);
  });

  afterAll(async () => {
    await stack.close();
  });

  let seq = 0;
  /** A client of their own, with a sent SMS, for each test. */
  async function sentSms() {
    seq += 1;
    const digits = String(30_000_000 + seq);
    const clientId = await createClient(stack.api, shopId, {
      mobile: `06${digits}`,
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
    return {
      id,
      clientId,
      ticket: String(message.providerId),
      number: `+336${digits}`,
    };
  }

  /** Octopush's `Y-m-d H:i:s`, in UTC, `offsetMs` from the clock's now. */
  function octopushDate(offsetMs = 0): string {
    const at = new Date(clock.now().getTime() + offsetMs);
    return at.toISOString().slice(0, 19).replace('T', ' ');
  }

  function callback(
    kind: Callback,
    sms: { ticket: string; number: string },
    date: string,
    token = TEST_WEBHOOK_TOKEN,
  ) {
    const bodies: Record<Callback, Record<string, string>> = {
      receipts: { status: 'DELIVERED', delivery_date: date },
      replies: { text: 'STOP', reception_date: date },
      stops: { text: 'STOP', stop_date: date },
    };
    return stack.api.post(`/v1/webhooks/octopush/${kind}?token=${token}`, {
      message_id: sms.ticket,
      number: sms.number,
      ...bodies[kind],
    });
  }

  /** Everything a callback can change about one sent SMS. */
  async function traceOf(sms: { id: string; clientId: string }) {
    const query = (sql: string, id: string) =>
      stack.db.dataSource.query(sql, [id]);
    const [message] = await query(
      'SELECT status, delivered_at, updated_at FROM message WHERE id = $1',
      sms.id,
    );
    return {
      message,
      receipts: await query(
        'SELECT status FROM sms_receipt WHERE message_id = $1',
        sms.id,
      ),
      replies: await query(
        'SELECT is_stop FROM sms_reply WHERE message_id = $1',
        sms.id,
      ),
      withdrawals: await query(
        `SELECT source FROM consent_event
         WHERE client_id = $1 AND channel = 'sms' AND NOT granted`,
        sms.clientId,
      ),
      suppressions: await query(
        'SELECT reason FROM suppression WHERE message_id = $1',
        sms.id,
      ),
    };
  }

  describe('when a genuine callback comes twice', () => {
    it('moves the message once for a receipt replayed an hour later', async () => {
      const sms = await sentSms();
      const date = octopushDate(-MINUTE_MS);

      expect((await callback('receipts', sms, date)).status).toBe(204);
      const first = await traceOf(sms);
      clock.advance(HOUR_MS);
      expect((await callback('receipts', sms, date)).status).toBe(204);

      expect(first.message).toMatchObject({
        status: 'delivered',
        delivered_at: start,
        updated_at: start,
      });
      expect(first.receipts).toEqual([{ status: 'DELIVERED' }]);
      expect(await traceOf(sms)).toEqual(first);
    });

    it.each<Callback>(['replies', 'stops'])(
      'keeps one STOP from %s and one withdrawal in the consent trail',
      async (kind) => {
        const sms = await sentSms();
        const date = octopushDate(-MINUTE_MS);

        await callback(kind, sms, date);
        clock.advance(10 * MINUTE_MS);
        expect((await callback(kind, sms, date)).status).toBe(204);

        const trace = await traceOf(sms);
        expect(trace.replies).toEqual([{ is_stop: true }]);
        expect(trace.withdrawals).toEqual([{ source: 'reply_stop' }]);
        expect(trace.suppressions).toEqual([{ reason: 'reply_stop' }]);
      },
    );

    it('leaves a consent given after the STOP when that STOP is replayed', async () => {
      const sms = await sentSms();
      const date = octopushDate(-MINUTE_MS);
      await callback('stops', sms, date);
      clock.advance(MINUTE_MS);
      const regrant = await stack.api.post(
        `/v1/shops/${shopId}/clients/${sms.clientId}/consent`,
        { channel: 'sms', granted: true, source: 'in_shop', actor: 'Julie' },
      );
      expect(regrant.status).toBeLessThan(300);

      clock.advance(MINUTE_MS);
      await callback('stops', sms, date);

      const [client] = await stack.db.dataSource.query(
        'SELECT sms_consent FROM client WHERE id = $1',
        [sms.clientId],
      );
      expect(client).toEqual({ sms_consent: true });
      expect((await traceOf(sms)).withdrawals).toHaveLength(1);
    });
  });

  describe('when the callback is dated outside the window', () => {
    it.each<[Callback, string, number]>([
      ['receipts', 'a day and a minute old', -(24 * HOUR_MS + MINUTE_MS)],
      ['replies', 'a day and a minute old', -(24 * HOUR_MS + MINUTE_MS)],
      ['stops', 'a day and a minute old', -(24 * HOUR_MS + MINUTE_MS)],
      ['receipts', 'three hours and a minute ahead', 3 * HOUR_MS + MINUTE_MS],
      ['stops', 'three hours and a minute ahead', 3 * HOUR_MS + MINUTE_MS],
      ['stops', 'from 2020 (the documentation’s example)', -Infinity],
    ])(
      'answers 204 to %s %s and records nothing',
      async (kind, _when, offsetMs) => {
        const sms = await sentSms();
        const before = await traceOf(sms);
        const date = Number.isFinite(offsetMs)
          ? octopushDate(offsetMs)
          : '2020-11-04 11:11:45';

        const response = await callback(kind, sms, date);

        expect(response.status).toBe(204);
        expect(response.data).toBe('');
        expect(await traceOf(sms)).toEqual(before);
        expect(before.message.status).toBe('sent');
      },
    );

    it.each<[string, number]>([
      ['23 hours old (a late receipt)', -23 * HOUR_MS],
      ['two hours ahead (Paris time read as UTC)', 2 * HOUR_MS],
    ])('still applies a receipt %s', async (_when, offsetMs) => {
      const sms = await sentSms();

      await callback('receipts', sms, octopushDate(offsetMs));

      expect((await traceOf(sms)).message.status).toBe('delivered');
    });
  });

  it.each<Callback>(['receipts', 'replies', 'stops'])(
    'refuses %s with a forged token (401) and records nothing',
    async (kind) => {
      const sms = await sentSms();
      const before = await traceOf(sms);

      const response = await callback(
        kind,
        sms,
        octopushDate(),
        'forged-token-forged-token-xx',
      );

      expect(response.status).toBe(401);
      expect(await traceOf(sms)).toEqual(before);
    },
  );
});
