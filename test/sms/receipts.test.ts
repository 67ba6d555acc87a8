import { shiftedClock } from '@optic/domain';
import {
  MessageProcessor,
  SmsChannel,
  SmsProviderRegistry,
} from '@optic/delivery';
import type { ChannelHandler } from '@optic/delivery';
import { OctopushSmsProvider } from '@optic/providers';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import {
  SANDBOX_KEY,
  SANDBOX_LOGIN,
  startTestStack,
  TEST_WEBHOOK_TOKEN,
} from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

// The receipts below are dated that morning (Paris time, as Octopush writes
// them); the stack's clock runs from just after, inside the replay window.
const clock = shiftedClock(new Date('2026-12-04T09:30:00Z'));

describe('delivery receipts', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ clock });
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 100);
    clientId = await createClient(stack.api, shopId);
  });

  afterAll(async () => {
    await stack.close();
  });

  function receipt(ticket: string, status: string, at: string) {
    return stack.api.post(
      `/v1/webhooks/octopush/receipts?token=${TEST_WEBHOOK_TOKEN}`,
      {
        channel: 'sms',
        message_id: ticket,
        number: '+33612345678',
        status,
        delivery_date: at,
      },
    );
  }

  async function sentMessage(): Promise<{ id: string; ticket: string }> {
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lentilles sont arrivées',
    });
    const message = await waitFor(async () => {
      const m = await getMessage(stack.api, shopId, id);
      return m.status === 'sent' ? m : undefined;
    });
    return { id, ticket: String(message.providerId) };
  }

  async function statusOf(id: string) {
    return getMessage(stack.api, shopId, id);
  }

  it('marks the message delivered, once, whatever the duplicates', async () => {
    const { id, ticket } = await sentMessage();

    for (let n = 0; n < 3; n += 1) {
      expect(
        (await receipt(ticket, 'DELIVERED', '2026-12-04 10:00:05')).status,
      ).toBe(204);
    }

    expect(await statusOf(id)).toMatchObject({ status: 'delivered' });
    const rows: unknown[] = await stack.db.dataSource.query(
      'SELECT 1 FROM sms_receipt WHERE provider_id = $1',
      [ticket],
    );
    expect(rows).toHaveLength(1);
  });

  it('keeps a failure with the provider’s code and refunds nothing', async () => {
    const before = (await stack.api.get(`/v1/shops/${shopId}/credit`)).data
      .balance;
    const { id, ticket } = await sentMessage();

    await receipt(ticket, 'NOT_DELIVERED', '2026-12-04 10:00:05');

    expect(await statusOf(id)).toMatchObject({
      status: 'failed',
      reason: 'undelivered',
      error: 'receipt: NOT_DELIVERED',
    });
    expect(
      (await stack.api.get(`/v1/shops/${shopId}/credit`)).data.balance,
    ).toBe(before - 1);
  });

  it('never lets a later delivered receipt move a failed message back', async () => {
    const { id, ticket } = await sentMessage();

    await receipt(ticket, 'BAD_DESTINATION', '2026-12-04 10:00:05');
    await receipt(ticket, 'DELIVERED', '2026-12-04 10:00:09');

    expect(await statusOf(id)).toMatchObject({ status: 'failed' });
  });

  it('lets one failed part of a multi-part SMS win over its delivered parts, in any order', async () => {
    const first = await sentMessage();
    const second = await sentMessage();

    await receipt(first.ticket, 'DELIVERED', '2026-12-04 10:00:01');
    await receipt(first.ticket, 'NOT_DELIVERED', '2026-12-04 10:00:02');
    await receipt(first.ticket, 'DELIVERED', '2026-12-04 10:00:03');
    await receipt(second.ticket, 'NOT_DELIVERED', '2026-12-04 10:00:02');
    await receipt(second.ticket, 'DELIVERED', '2026-12-04 10:00:01');

    expect(await statusOf(first.id)).toMatchObject({ status: 'failed' });
    expect(await statusOf(second.id)).toMatchObject({ status: 'failed' });
  });

  it('ignores an acknowledgement that arrives after the delivery', async () => {
    const { id, ticket } = await sentMessage();

    await receipt(ticket, 'DELIVERED', '2026-12-04 10:00:05');
    await receipt(ticket, 'ACK', '2026-12-04 10:00:01');

    expect(await statusOf(id)).toMatchObject({ status: 'delivered' });
  });

  it('applies a receipt that arrives before the send is recorded', async () => {
    // This one is processed by hand: no worker may take it first.
    await stack.workers[0]!.close();
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Reçu en avance',
    });
    const provider = new OctopushSmsProvider({
      baseUrl: stack.sandboxUrl,
      login: SANDBOX_LOGIN,
      apiKey: SANDBOX_KEY,
    });
    const real = new SmsChannel(
      new SmsProviderRegistry(provider, () => provider, null),
    );
    // The provider answers, its receipt comes in, and only then do we record.
    const early: ChannelHandler = {
      channel: 'sms',
      provider: real.provider,
      prepare: (context) => real.prepare(context),
      notBefore: () => null,
      canResendAfterCrash: () => false,
      send: async (context) => {
        const outcome = await real.send(context);
        expect(
          (
            await receipt(
              outcome.providerId!,
              'DELIVERED',
              '2026-12-04 10:00:05',
            )
          ).status,
        ).toBe(204);
        expect((await statusOf(id)).status).toBe('sending');
        return outcome;
      },
    };

    await new MessageProcessor(stack.db.dataSource, early, clock).process(id, {
      number: 1,
      isFinal: false,
    });

    expect(await statusOf(id)).toMatchObject({ status: 'delivered' });
    provider.close();
  });

  describe('when the call is not genuine', () => {
    it.each([
      ['no token', ''],
      ['a wrong token', '?token=wrong-token-wrong-token-xx'],
    ])('refuses a call with %s and changes nothing', async (_name, query) => {
      const response = await stack.api.post(
        `/v1/webhooks/octopush/receipts${query}`,
        {
          message_id: 'sms_forged',
          number: '+33612345678',
          status: 'DELIVERED',
          delivery_date: '2026-12-04 10:00:00',
        },
      );

      expect(response.status).toBe(401);
      const rows: unknown[] = await stack.db.dataSource.query(
        `SELECT 1 FROM sms_receipt WHERE provider_id = 'sms_forged'`,
      );
      expect(rows).toHaveLength(0);
    });

    it('refuses a receipt without a date, naming the field', async () => {
      const response = await stack.api.post(
        `/v1/webhooks/octopush/receipts?token=${TEST_WEBHOOK_TOKEN}`,
        {
          message_id: 'sms_x',
          number: '+33612345678',
          status: 'DELIVERED',
          delivery_date: 'yesterday',
        },
      );

      expect(response.status).toBe(400);
      expect(response.data.errors[0].path).toBe('delivery_date');
    });
  });
});
