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

describe('replies and STOP', () => {
  // A Sunday: marketing SMS wait for Monday, transactional ones go at once.
  const clock = new ManualClock(new Date('2026-12-06T10:00:00Z'));
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ clock });
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 200);
  });

  afterAll(async () => {
    await stack.close();
  });

  let seq = 0;
  function mobile(): { typed: string; e164: string } {
    seq += 1;
    const digits = String(20_000_000 + seq);
    return { typed: `06${digits}`, e164: `+336${digits}` };
  }

  async function sentTo(
    clientId: string,
  ): Promise<{ id: string; ticket: string }> {
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lunettes sont prêtes',
    });
    const message = await waitFor(async () => {
      const m = await getMessage(stack.api, shopId, id);
      return m.status === 'sent' ? m : undefined;
    });
    return { id, ticket: String(message.providerId) };
  }

  function inbound(path: 'replies' | 'stops', body: Record<string, unknown>) {
    return stack.api.post(
      `/v1/webhooks/octopush/${path}?token=${TEST_WEBHOOK_TOKEN}`,
      body,
    );
  }

  async function consentOf(clientId: string): Promise<boolean> {
    const rows: { sms_consent: boolean }[] = await stack.db.dataSource.query(
      'SELECT sms_consent FROM client WHERE id = $1',
      [clientId],
    );
    return rows[0]!.sms_consent;
  }

  it.each([
    'STOP',
    'ARRET',
    'ARRÊT',
    'STOP SMS',
    'Stop',
    ' stop. ',
    'arrêt merci',
  ])(
    'reads %j as a STOP: consent withdrawn with proof and the number suppressed',
    async (text) => {
      const { typed, e164 } = mobile();
      const clientId = await createClient(stack.api, shopId, { mobile: typed });
      const { id, ticket } = await sentTo(clientId);

      const response = await inbound('replies', {
        message_id: ticket,
        number: e164,
        text,
        sim_card_number: '12345',
        reception_date: '2026-12-06 10:05:00',
      });

      expect(response.status).toBe(204);
      expect(await consentOf(clientId)).toBe(false);
      const trail: { source: string; message_id: string; granted: boolean }[] =
        await stack.db.dataSource.query(
          `SELECT source, message_id, granted FROM consent_event WHERE client_id = $1 AND channel = 'sms' ORDER BY occurred_at DESC LIMIT 1`,
          [clientId],
        );
      expect(trail[0]).toEqual({
        source: 'reply_stop',
        message_id: id,
        granted: false,
      });
      const suppressed: unknown[] = await stack.db.dataSource.query(
        'SELECT 1 FROM suppression WHERE shop_id = $1 AND address = $2',
        [shopId, e164],
      );
      expect(suppressed).toHaveLength(1);
    },
  );

  it.each(['Merci !', 'Je passe samedi', 'Stoppez-vous le samedi ?'])(
    'keeps %j as a reply and changes nothing else',
    async (text) => {
      const { typed, e164 } = mobile();
      const clientId = await createClient(stack.api, shopId, { mobile: typed });
      const { ticket } = await sentTo(clientId);

      await inbound('replies', {
        message_id: ticket,
        number: e164,
        text,
        reception_date: '2026-12-06 10:06:00',
      });

      expect(await consentOf(clientId)).toBe(true);
      const replies = await stack.api.get(`/v1/shops/${shopId}/sms/replies`, {
        params: { clientId },
      });
      expect(replies.data.items).toEqual([
        expect.objectContaining({ text, isStop: false, number: e164 }),
      ]);
    },
  );

  it('sends nothing more to a number after its STOP, whatever the client record says', async () => {
    const { typed, e164 } = mobile();
    const parent = await createClient(stack.api, shopId, {
      mobile: typed,
      firstName: 'Anne',
    });
    const child = await createClient(stack.api, shopId, {
      mobile: typed,
      firstName: 'Léo',
    });
    const { ticket } = await sentTo(parent);

    await inbound('stops', {
      message_id: ticket,
      number: e164,
      text: 'STOP',
      stop_date: '2026-12-06 10:07:00',
    });
    const later = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId: child,
      body: 'Vos lentilles sont arrivées',
    });

    const message = await waitFor(async () => {
      const m = await getMessage(stack.api, shopId, later);
      return m.status === 'queued' || m.status === 'sending' ? undefined : m;
    });
    expect(message).toMatchObject({ status: 'rejected', reason: 'suppressed' });
    expect(stack.sandbox.messages({ requestId: later })).toHaveLength(0);
  });

  it('rejects a marketing SMS waiting for the window when its client says STOP', async () => {
    const { typed, e164 } = mobile();
    const clientId = await createClient(stack.api, shopId, { mobile: typed });
    const { ticket } = await sentTo(clientId);
    const waiting = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Soldes',
      kind: 'marketing',
    });
    expect(await getMessage(stack.api, shopId, waiting)).toMatchObject({
      status: 'queued',
    });

    await inbound('replies', {
      message_id: ticket,
      number: e164,
      text: 'STOP',
      reception_date: '2026-12-06 10:08:00',
    });

    expect(await getMessage(stack.api, shopId, waiting)).toMatchObject({
      status: 'rejected',
      reason: 'consent_withdrawn',
    });
    clock.set(new Date('2026-12-07T07:00:00Z'));
    await stack.producer.queue('sms', 'counter').promoteJobs();
    await waitFor(
      async () =>
        (
          await stack.producer
            .queue('sms', 'counter')
            .getJobCounts('delayed', 'waiting', 'active')
        ).delayed === 0,
    );
    expect(stack.sandbox.messages({ requestId: waiting })).toHaveLength(0);
    clock.set(new Date('2026-12-06T10:00:00Z'));
  });

  it('records a STOP once when both callbacks come, twice each', async () => {
    const { typed, e164 } = mobile();
    const clientId = await createClient(stack.api, shopId, { mobile: typed });
    const { ticket } = await sentTo(clientId);

    for (let n = 0; n < 2; n += 1) {
      await inbound('replies', {
        message_id: ticket,
        number: e164,
        text: 'STOP',
        reception_date: '2026-12-06 10:09:00',
      });
      await inbound('stops', {
        message_id: ticket,
        number: e164,
        text: 'STOP',
        stop_date: '2026-12-06 10:09:00',
      });
    }

    const replies: unknown[] = await stack.db.dataSource.query(
      'SELECT 1 FROM sms_reply WHERE number = $1',
      [e164],
    );
    const suppressions: unknown[] = await stack.db.dataSource.query(
      'SELECT 1 FROM suppression WHERE address = $1',
      [e164],
    );
    expect(replies).toHaveLength(1);
    expect(suppressions).toHaveLength(1);
  });

  it('refuses a forged STOP without the token, and the consent stays', async () => {
    const { typed, e164 } = mobile();
    const clientId = await createClient(stack.api, shopId, { mobile: typed });
    const { ticket } = await sentTo(clientId);

    const response = await stack.api.post(
      '/v1/webhooks/octopush/stops?token=nope',
      { message_id: ticket, number: e164, stop_date: '2026-12-06 10:10:00' },
    );

    expect(response.status).toBe(401);
    expect(await consentOf(clientId)).toBe(true);
  });
});
