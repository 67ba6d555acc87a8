import { In } from 'typeorm';
import { systemClock } from '@optic/domain';
import { Document } from '@optic/db';
import {
  EmailChannel,
  MessageProcessor,
  SmsChannel,
  SmsProviderRegistry,
} from '@optic/delivery';
import {
  EmailLayout,
  EmailSender,
  LocalDocumentStore,
  OctopushSmsProvider,
} from '@optic/providers';
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
} from '../support/test-stack';
import { crashingAfterSend } from '../support/crashing-channel';
import type { TestStack } from '../support/test-stack';

describe('when a worker dies between the provider call and the record', () => {
  let stack: TestStack;
  let sms: SmsChannel;
  let email: EmailChannel;
  const provider = () =>
    new OctopushSmsProvider({
      baseUrl: stack.sandboxUrl,
      login: SANDBOX_LOGIN,
      apiKey: SANDBOX_KEY,
    });
  const sender = new EmailSender();

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    sms = new SmsChannel(new SmsProviderRegistry(provider(), provider, null));
    email = new EmailChannel({
      sender,
      layout: new EmailLayout(),
      store: new LocalDocumentStore(stack.documentsDir),
      loadDocuments: (shopId, ids) =>
        stack.db.dataSource.manager.findBy(Document, { shopId, id: In(ids) }),
      defaultSmtp: { host: '127.0.0.1', port: stack.smtp.port, secure: false },
      defaultFrom: 'no-reply@optic.test',
      secrets: null,
    });
  });

  afterAll(async () => {
    sender.close();
    await stack.close();
  });

  it('resends an SMS with the same reference and Octopush’s deduplication keeps it to one delivery', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 5);
    const clientId = await createClient(stack.api, shopId);
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
    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'sending',
    });

    const replay = new MessageProcessor(stack.db.dataSource, sms, systemClock);
    expect(await replay.process(id, { number: 2, isFinal: false })).toBe(
      'sent',
    );

    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'sent',
      attempts: 2,
      credits: 1,
    });
    expect(
      stack.sandbox.messages().filter((m) => m.requestId === id),
    ).toHaveLength(1);
    expect(
      (await stack.api.get(`/v1/shops/${shopId}/credit`)).data.balance,
    ).toBe(4);
  });

  it('does not resend an e-mail whose outcome was lost: it becomes unknown', async () => {
    const shopId = await createShop(stack.api);
    const clientId = await createClient(stack.api, shopId);
    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Bonjour',
      body: '<p>Bonjour</p>',
    });

    const dying = new MessageProcessor(
      stack.db.dataSource,
      crashingAfterSend(email),
      systemClock,
    );
    await expect(
      dying.process(id, { number: 1, isFinal: false }),
    ).rejects.toThrow('killed');

    const replay = new MessageProcessor(
      stack.db.dataSource,
      email,
      systemClock,
    );
    expect(await replay.process(id, { number: 2, isFinal: false })).toBe(
      'unknown',
    );

    expect(await getMessage(stack.api, shopId, id)).toMatchObject({
      status: 'unknown',
      reason: 'outcome_lost',
    });
    expect(
      stack.smtp.received.filter(
        (m) => m.parsed.messageId === `<${id}@optique-lumiere.test>`,
      ),
    ).toHaveLength(1);
  });

  it('treats a replayed job of a sent message as done', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 5);
    const clientId = await createClient(stack.api, shopId);
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour',
    });
    const processor = new MessageProcessor(
      stack.db.dataSource,
      sms,
      systemClock,
    );

    expect(await processor.process(id, { number: 1, isFinal: false })).toBe(
      'sent',
    );
    expect(await processor.process(id, { number: 1, isFinal: false })).toBe(
      'noop',
    );

    expect(
      stack.sandbox.messages().filter((m) => m.requestId === id),
    ).toHaveLength(1);
    expect(
      (await stack.api.get(`/v1/shops/${shopId}/credit`)).data.balance,
    ).toBe(4);
  });
});
