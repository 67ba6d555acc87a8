import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '@optic/domain';
import {
  MessageProcessor,
  SmsChannel,
  SmsProviderRegistry,
} from '@optic/delivery';
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
import { crashingAfterSend } from '../support/crashing-channel';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** A receipt as the sandbox posts it, Octopush's fields. */
interface HeldReceipt {
  message_id: string;
  number: string;
  status: string;
}

/**
 * Takes the sandbox's receipt callbacks and holds them, so that a test
 * lets each one reach the API only once the resend has been recorded.
 */
class ReceiptHold {
  readonly received: HeldReceipt[] = [];
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      this.received.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });

  async listen(): Promise<string> {
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** The receipt of `ticket`, once the sandbox has posted it. */
  receiptOf(ticket: string): Promise<HeldReceipt> {
    return waitFor(() => this.received.find((r) => r.message_id === ticket), {
      what: `the receipt of ${ticket}`,
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('a receipt for an SMS recorded sent without its ticket', () => {
  let stack: TestStack;
  let sms: SmsChannel;
  const hold = new ReceiptHold();
  const provider = () =>
    new OctopushSmsProvider({
      baseUrl: stack.sandboxUrl,
      login: SANDBOX_LOGIN,
      apiKey: SANDBOX_KEY,
    });

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    sms = new SmsChannel(new SmsProviderRegistry(provider(), provider, null));
    stack.sandbox.configure({
      receipts: { enabled: true, delayMs: 0, webhookUrl: await hold.listen() },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await hold.close();
  });

  async function clientOfNewShop(): Promise<[string, string]> {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 10);
    return [shopId, await createClient(stack.api, shopId)];
  }

  /**
   * Sends through the real crash path: Octopush accepts, the worker dies
   * before recording, and the resend is refused as already seen (120).
   * Answers the ticket Octopush gave the first call; `beforeResend` runs
   * while the message is still `sending`.
   */
  async function sentWithoutTicket(
    shopId: string,
    clientId: string,
    beforeResend: (ticket: string) => Promise<void> = async () => undefined,
  ) {
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lentilles sont arrivées',
    });
    const dying = new MessageProcessor(
      stack.db.dataSource,
      crashingAfterSend(sms),
      systemClock,
    );
    await expect(
      dying.process(id, { number: 1, isFinal: false }),
    ).rejects.toThrow('killed');
    const accepted = stack.sandbox.messages({ requestId: id });
    expect(accepted).toHaveLength(1);
    const ticket = accepted[0]!.ticket;
    await beforeResend(ticket);
    const refusedBefore = stack.sandbox.stats().byCode['120'] ?? 0;

    const replay = new MessageProcessor(stack.db.dataSource, sms, systemClock);
    expect(await replay.process(id, { number: 2, isFinal: false })).toBe(
      'sent',
    );

    expect(stack.sandbox.stats().byCode['120']).toBe(refusedBefore + 1);
    expect(stack.sandbox.messages({ requestId: id })).toHaveLength(1);
    return { id, ticket };
  }

  function deliver(receipt: HeldReceipt) {
    return stack.api.post(
      `/v1/webhooks/octopush/receipts?token=${TEST_WEBHOOK_TOKEN}`,
      receipt,
    );
  }

  async function receiptRows(ticket: string) {
    const rows: { message_id: string | null }[] =
      await stack.db.dataSource.query(
        'SELECT message_id FROM sms_receipt WHERE provider_id = $1',
        [ticket],
      );
    return rows;
  }

  it('gives the ticket to the one such SMS to the number, and delivers it', async () => {
    const [shopId, clientId] = await clientOfNewShop();
    const { id, ticket } = await sentWithoutTicket(shopId, clientId);

    const response = await deliver(await hold.receiptOf(ticket));

    expect(response.status).toBe(204);
    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'delivered',
      providerId: ticket,
    });
    expect(await receiptRows(ticket)).toEqual([{ message_id: id }]);
  });

  it('takes the ticket, at the resend, of a receipt that came while the SMS was still sending', async () => {
    const [shopId, clientId] = await clientOfNewShop();
    const { id, ticket } = await sentWithoutTicket(
      shopId,
      clientId,
      async (early) => {
        const acknowledged = await hold.receiptOf(early);
        expect((await deliver({ ...acknowledged, status: 'ACK' })).status).toBe(
          204,
        );
        expect(await receiptRows(early)).toEqual([{ message_id: null }]);
      },
    );

    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'sent',
      providerId: ticket,
    });
    await deliver(await hold.receiptOf(ticket));

    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'delivered',
      providerId: ticket,
    });
    expect(await receiptRows(ticket)).toEqual([
      { message_id: id },
      { message_id: id },
    ]);
  });

  it('is delivered at the resend when its final receipt came first', async () => {
    const [shopId, clientId] = await clientOfNewShop();
    const { id, ticket } = await sentWithoutTicket(
      shopId,
      clientId,
      async (early) => {
        expect((await deliver(await hold.receiptOf(early))).status).toBe(204);
      },
    );

    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'delivered',
      providerId: ticket,
    });
    expect(await receiptRows(ticket)).toEqual([{ message_id: id }]);
  });

  it('takes no early receipt at the resend while another such SMS went to the number', async () => {
    const [shopId, clientId] = await clientOfNewShop();
    const first = await sentWithoutTicket(shopId, clientId);
    const second = await sentWithoutTicket(shopId, clientId, async (early) => {
      expect((await deliver(await hold.receiptOf(early))).status).toBe(204);
    });

    for (const { id } of [first, second]) {
      expect(await getMessage(stack.api, shopId, id)).toMatchObject({
        status: 'sent',
        providerId: null,
      });
    }
    expect(await receiptRows(second.ticket)).toEqual([{ message_id: null }]);
  });

  it('leaves the receipt unattached when two such SMS went to the number', async () => {
    const [shopId, clientId] = await clientOfNewShop();
    const first = await sentWithoutTicket(shopId, clientId);
    const second = await sentWithoutTicket(shopId, clientId);

    const response = await deliver(await hold.receiptOf(first.ticket));

    expect(response.status).toBe(204);
    for (const { id } of [first, second]) {
      expect(await getMessage(stack.api, shopId, id)).toMatchObject({
        status: 'sent',
        providerId: null,
      });
    }
    expect(await receiptRows(first.ticket)).toEqual([{ message_id: null }]);
  });
});
