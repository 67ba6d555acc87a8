import { recordOptOut, suppress } from '@optic/db';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { expectProblem, rowCounts } from './client-support';

const FAMILY_MOBILE = '+33612345678';

describe('the suppression list', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 50);
  });

  afterAll(async () => {
    await stack.close();
  });

  async function settled(id: string) {
    return waitFor(
      async () => {
        const m = await getMessage(stack.api, shopId, id);
        return ['queued', 'sending'].includes(m.status) ? undefined : m;
      },
      { what: `message ${id} to settle` },
    );
  }

  const sms = (clientId: string) =>
    sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lunettes sont prêtes.',
    });

  it('blocks a number shared by two clients after one of them replies STOP, whatever the other’s record says', async () => {
    const mother = await createClient(stack.api, shopId, {
      firstName: 'Claire',
      mobile: '06 12 34 56 78',
    });
    const son = await createClient(stack.api, shopId, {
      firstName: 'Hugo',
      mobile: '+33 6 12 34 56 78',
    });
    const before = await settled(await sms(son));
    expect(before.status).toBe('sent');

    // What the inbound webhook does with a STOP replying to `before`.
    const optOut = await recordOptOut(stack.db.dataSource.manager, {
      shopId,
      channel: 'sms',
      address: FAMILY_MOBILE,
      clientId: son,
      source: 'reply_stop',
      messageId: before.id as string,
      at: new Date(),
    });
    const recreated = await createClient(stack.api, shopId, {
      firstName: 'Hugo',
      lastName: 'Durand-Bis',
      mobile: '0612345678',
    });

    const reasons = [];
    for (const clientId of [mother, recreated, son]) {
      const message = await settled(await sms(clientId));
      reasons.push([message.status, message.reason]);
    }
    expect(reasons).toEqual([
      ['rejected', 'suppressed'],
      ['rejected', 'suppressed'],
      ['rejected', 'no_consent'],
    ]);
    const motherRecord = await stack.api.get(
      `/v1/shops/${shopId}/clients/${mother}`,
    );
    expect(motherRecord.data.smsConsent).toBe(true);
    expect(optOut.consent?.current).toBe(true);
    const sonConsent = await stack.api.get(
      `/v1/shops/${shopId}/clients/${son}/consent`,
    );
    expect(sonConsent.data.sms).toMatchObject({
      granted: false,
      source: 'reply_stop',
      suppressed: true,
    });
    expect(
      stack.sandbox.messages().filter((m) => m.requestId !== before.id),
    ).toEqual([]);
  });

  it('blocks an e-mail address after a hard bounce', async () => {
    const clientId = await createClient(stack.api, shopId, {
      email: 'rebond@example.org',
    });
    await suppress(stack.db.dataSource.manager, {
      shopId,
      channel: 'email',
      address: 'rebond@example.org',
      reason: 'hard_bounce',
      at: new Date(),
    });

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Votre facture',
      body: 'Bonjour',
    });

    expect(await settled(id)).toMatchObject({
      status: 'rejected',
      reason: 'suppressed',
    });
    expect(
      stack.smtp.received.filter((m) =>
        m.envelope.to.includes('rebond@example.org'),
      ),
    ).toEqual([]);
  });

  it('adds an address once, however often it is suppressed', async () => {
    const entry = {
      shopId,
      channel: 'sms' as const,
      address: '+33699887766',
      reason: 'reply_stop' as const,
      at: new Date(),
    };
    const first = await suppress(stack.db.dataSource.manager, entry);
    const second = await suppress(stack.db.dataSource.manager, {
      ...entry,
      reason: 'manual',
    });

    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
  });

  it('lets a manager add an address typed any way, list it and find it by address', async () => {
    const shop = await createShop(stack.api, { name: 'Optique Liste' });
    const add = (body: Record<string, unknown>) =>
      stack.api.post(`/v1/shops/${shop}/suppressions`, {
        actor: 'Sophie (gérante)',
        ...body,
      });

    const created = await add({ channel: 'sms', address: '06 77 88 99 00' });
    const again = await add({ channel: 'sms', address: '+33677889900' });
    await add({
      channel: 'email',
      address: 'Paul@Example.org',
      reason: 'complaint',
    });
    await add({ channel: 'sms', address: '07 81 22 33 44' });

    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      address: '+33677889900',
      reason: 'manual',
      createdBy: 'Sophie (gérante)',
    });
    expect(again.status).toBe(200);
    expect(again.data.id).toBe(created.data.id);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const response: {
        status: number;
        data: { items: never[]; nextCursor: string | null };
      } = await stack.api.get(`/v1/shops/${shop}/suppressions`, {
        params: { limit: 2, ...(cursor ? { cursor } : {}) },
      });
      pages.push(
        ...response.data.items.map((s: { address: string }) => s.address),
      );
      cursor = response.data.nextCursor;
    } while (cursor);
    expect(pages).toEqual(['+33781223344', 'Paul@example.org', '+33677889900']);

    const found = await stack.api.get(`/v1/shops/${shop}/suppressions`, {
      params: { address: '06.77.88.99.00' },
    });
    expect(found.data.items.map((s: { id: string }) => s.id)).toEqual([
      created.data.id,
    ]);
  });

  it('lets a manager remove an entry with a recorded reason, after which sends go out again', async () => {
    const clientId = await createClient(stack.api, shopId, {
      mobile: '06 55 44 33 22',
    });
    const added = await stack.api.post(`/v1/shops/${shopId}/suppressions`, {
      channel: 'sms',
      address: '06 55 44 33 22',
      actor: 'Sophie',
    });
    expect((await settled(await sms(clientId))).reason).toBe('suppressed');

    const removed = await stack.api.delete(
      `/v1/shops/${shopId}/suppressions/${added.data.id}`,
      {
        data: { reason: 'the client asked again in the shop', actor: 'Sophie' },
      },
    );

    expect(removed.status).toBe(204);
    const removals = await stack.api.get(
      `/v1/shops/${shopId}/suppressions/removals`,
    );
    expect(removals.data.items[0]).toMatchObject({
      channel: 'sms',
      address: '+33655443322',
      reason: 'manual',
      removedBy: 'Sophie',
      removalReason: 'the client asked again in the shop',
    });
    expect((await settled(await sms(clientId))).status).toBe('sent');
  });

  describe('when the input is bad', () => {
    let entryId: string;

    beforeAll(async () => {
      const added = await stack.api.post(`/v1/shops/${shopId}/suppressions`, {
        channel: 'email',
        address: 'garde@example.org',
        actor: 'Sophie',
      });
      entryId = added.data.id;
    });

    it.each([
      {
        what: 'no reason',
        body: { actor: 'Sophie' },
        paths: { reason: null },
      },
      {
        what: 'no actor',
        body: { reason: 'asked' },
        paths: { actor: null },
      },
    ])('refuses a removal with $what and keeps the entry', async (c) => {
      const before = await rowCounts(stack);
      const response = await stack.api.delete(
        `/v1/shops/${shopId}/suppressions/${entryId}`,
        { data: c.body },
      );
      expectProblem(response, 400, 'validation_failed', c.paths);
      expect(await rowCounts(stack)).toEqual(before);
    });

    it('answers 404 for an entry of another shop', async () => {
      const other = await createShop(stack.api, { name: 'Optic 2000' });
      const before = await rowCounts(stack);
      const response = await stack.api.delete(
        `/v1/shops/${other}/suppressions/${entryId}`,
        { data: { reason: 'asked', actor: 'Sophie' } },
      );
      expectProblem(response, 404, 'not_found', { suppressionId: null });
      expect(await rowCounts(stack)).toEqual(before);
    });

    it.each([
      {
        what: 'a landline',
        body: { channel: 'sms', address: '01 45 67 89 10' },
        code: 'invalid_mobile',
      },
      {
        what: 'an address without a domain',
        body: { channel: 'email', address: 'paul@' },
        code: 'invalid_email',
      },
    ])('refuses to add $what, naming the address', async (c) => {
      const before = await rowCounts(stack);
      const response = await stack.api.post(
        `/v1/shops/${shopId}/suppressions`,
        { ...c.body, actor: 'Sophie' },
      );
      expectProblem(response, 422, c.code, { address: null });
      expect(await rowCounts(stack)).toEqual(before);
    });
  });
});
