import { ManualClock } from '@optic/domain';
import { withdrawConsent } from '@optic/db';
import {
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { expectProblem, rowCounts } from './client-support';

const T0 = new Date('2026-04-01T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

interface ConsentState {
  sms: Record<string, unknown>;
  email: Record<string, unknown>;
  trail: Record<string, unknown>[];
}

describe('consent with proof', () => {
  let stack: TestStack;
  const clock = new ManualClock(T0);
  let shopId: string;

  beforeAll(async () => {
    // No workers: sent messages stay queued, as if waiting for a worker.
    stack = await startTestStack({ workers: false, clock });
    shopId = await createShop(stack.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  async function consentOf(clientId: string): Promise<ConsentState> {
    const response = await stack.api.get(
      `/v1/shops/${shopId}/clients/${clientId}/consent`,
    );
    expect(response.status).toBe(200);
    return response.data;
  }

  function change(clientId: string, body: Record<string, unknown>) {
    return stack.api.post(
      `/v1/shops/${shopId}/clients/${clientId}/consent`,
      body,
    );
  }

  it('keeps the full trail, newest first, and shows the current state with how and by whom', async () => {
    clock.set(at(0));
    const clientId = await createClient(stack.api, shopId, {
      consentSource: 'in_shop',
      salesperson: 'Julie',
    });
    clock.set(at(10));
    const withdrawn = await change(clientId, {
      channel: 'sms',
      granted: false,
      source: 'signed_form',
      actor: 'Marc',
    });
    clock.set(at(20));
    await change(clientId, {
      channel: 'sms',
      granted: true,
      source: 'web_form',
      actor: 'system',
    });
    clock.set(at(30));
    await change(clientId, {
      channel: 'email',
      granted: false,
      source: 'in_shop',
      actor: 'Julie',
    });

    expect(withdrawn.status).toBe(201);
    expect(withdrawn.data).toMatchObject({
      current: true,
      sms: { granted: false, source: 'signed_form', actor: 'Marc' },
    });
    const state = await consentOf(clientId);
    expect(state.sms).toEqual({
      granted: true,
      since: at(20).toISOString(),
      source: 'web_form',
      actor: 'system',
      address: '+33612345678',
      suppressed: false,
    });
    expect(state.email).toMatchObject({
      granted: false,
      since: at(30).toISOString(),
      source: 'in_shop',
      actor: 'Julie',
    });
    const trail = state.trail.map((e) => [
      e.channel,
      e.granted,
      e.source,
      e.actor,
      e.occurredAt,
    ]);
    expect(trail.slice(0, 3)).toEqual([
      ['email', false, 'in_shop', 'Julie', at(30).toISOString()],
      ['sms', true, 'web_form', 'system', at(20).toISOString()],
      ['sms', false, 'signed_form', 'Marc', at(10).toISOString()],
    ]);
    // Both consents given at creation share one instant.
    expect(trail.slice(3)).toEqual(
      expect.arrayContaining([
        ['sms', true, 'in_shop', 'Julie', at(0).toISOString()],
        ['email', true, 'in_shop', 'Julie', at(0).toISOString()],
      ]),
    );
    expect(trail).toHaveLength(5);
    const client = await stack.api.get(
      `/v1/shops/${shopId}/clients/${clientId}`,
    );
    expect(client.data).toMatchObject({
      smsConsent: true,
      smsConsentSource: 'web_form',
      emailConsent: false,
    });
  });

  it('keeps an older signed form in the trail without overriding a later change', async () => {
    clock.set(at(100));
    const clientId = await createClient(stack.api, shopId, {
      smsConsent: false,
      emailConsent: false,
    });

    const response = await change(clientId, {
      channel: 'sms',
      granted: true,
      source: 'signed_form',
      actor: 'Julie',
      occurredAt: at(50).toISOString(),
    });
    await change(clientId, {
      channel: 'sms',
      granted: false,
      source: 'in_shop',
      actor: 'Marc',
    });
    const late = await change(clientId, {
      channel: 'sms',
      granted: true,
      source: 'signed_form',
      actor: 'Julie',
      occurredAt: at(60).toISOString(),
    });

    expect(response.data.current).toBe(true);
    expect(late.data.current).toBe(false);
    const state = await consentOf(clientId);
    expect(state.sms).toMatchObject({ granted: false, source: 'in_shop' });
    expect(state.trail).toHaveLength(3);
  });

  describe('when a consent is withdrawn', () => {
    it('rejects every queued or waiting message of that channel to that client, and nothing else', async () => {
      clock.set(at(200));
      const clientId = await createClient(stack.api, shopId);
      const neighbour = await createClient(stack.api, shopId, {
        lastName: 'Voisin',
      });
      const send = (client: string, channel: string) =>
        sendMessage(stack.api, shopId, {
          channel,
          clientId: client,
          body: 'Vos lunettes sont prêtes.',
          ...(channel === 'email' ? { subject: 'Lunettes' } : {}),
        });
      const queued = await send(clientId, 'sms');
      const waiting = await send(clientId, 'sms');
      // A marketing SMS held for the sending window.
      await stack.db.dataSource.query(
        `UPDATE message SET not_before = $2, kind = 'marketing' WHERE id = $1`,
        [waiting, at(24 * 60)],
      );
      const email = await send(clientId, 'email');
      const other = await send(neighbour, 'sms');

      clock.set(at(210));
      const response = await change(clientId, {
        channel: 'sms',
        granted: false,
        source: 'in_shop',
        actor: 'Julie',
      });

      expect(response.status).toBe(201);
      expect([...response.data.rejectedMessageIds].sort()).toEqual(
        [queued, waiting].sort(),
      );
      for (const id of [queued, waiting]) {
        expect(await getMessage(stack.api, shopId, id)).toMatchObject({
          status: 'rejected',
          reason: 'consent_withdrawn',
          error: expect.stringMatching(/withdrew SMS consent \(in_shop\)/),
          timestamps: expect.objectContaining({
            rejectedAt: at(210).toISOString(),
          }),
        });
      }
      expect((await getMessage(stack.api, shopId, email)).status).toBe(
        'queued',
      );
      expect((await getMessage(stack.api, shopId, other)).status).toBe(
        'queued',
      );
    });

    it('records a STOP through withdrawConsent with the message replied to, in one call', async () => {
      clock.set(at(300));
      const clientId = await createClient(stack.api, shopId);
      const first = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Soldes !',
      });
      const second = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Dernier jour !',
      });

      const outcome = await withdrawConsent(stack.db.dataSource.manager, {
        shopId,
        clientId,
        channel: 'sms',
        source: 'reply_stop',
        actor: 'system',
        messageId: first,
        at: at(301),
      });

      expect(outcome.current).toBe(true);
      expect([...outcome.rejectedMessageIds].sort()).toEqual(
        [first, second].sort(),
      );
      const state = await consentOf(clientId);
      expect(state.sms).toMatchObject({
        granted: false,
        source: 'reply_stop',
        actor: 'system',
      });
      expect(state.trail[0]).toMatchObject({
        channel: 'sms',
        granted: false,
        source: 'reply_stop',
        messageId: first,
        occurredAt: at(301).toISOString(),
      });
    });

    it('suppresses the number when staff record a STOP the client sent', async () => {
      clock.set(at(400));
      const clientId = await createClient(stack.api, shopId, {
        mobile: '06 44 55 66 77',
      });

      const response = await change(clientId, {
        channel: 'sms',
        granted: false,
        source: 'reply_stop',
        actor: 'Julie',
      });

      expect(response.data.sms).toMatchObject({
        granted: false,
        suppressed: true,
        address: '+33644556677',
      });
      const list = await stack.api.get(`/v1/shops/${shopId}/suppressions`, {
        params: { address: '06 44 55 66 77', channel: 'sms' },
      });
      expect(list.data.items).toEqual([
        expect.objectContaining({
          address: '+33644556677',
          reason: 'reply_stop',
          createdBy: 'Julie',
        }),
      ]);
    });
  });

  describe('when the input is bad', () => {
    let clientId: string;
    let strangerMessage: string;

    beforeAll(async () => {
      clientId = await createClient(stack.api, shopId);
      const stranger = await createClient(stack.api, shopId, {
        lastName: 'Autre',
      });
      strangerMessage = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId: stranger,
        body: 'Bonjour',
      });
    });

    it.each([
      {
        what: 'no source',
        body: { channel: 'sms', granted: false, actor: 'Julie' },
        status: 400,
        code: 'validation_failed',
        paths: { source: /required: how the consent/ },
      },
      {
        what: 'an unknown source',
        body: {
          channel: 'sms',
          granted: true,
          source: 'phone',
          actor: 'Julie',
        },
        status: 400,
        code: 'validation_failed',
        paths: { source: /one of in_shop/ },
      },
      {
        what: 'a STOP that grants',
        body: {
          channel: 'sms',
          granted: true,
          source: 'reply_stop',
          actor: 'system',
        },
        status: 400,
        code: 'validation_failed',
        paths: { source: /only withdraws/ },
      },
      {
        what: 'no actor and no channel',
        body: { granted: false, source: 'in_shop' },
        status: 400,
        code: 'validation_failed',
        paths: { actor: null, channel: null },
      },
      {
        what: 'a time in the future',
        body: {
          channel: 'email',
          granted: true,
          source: 'signed_form',
          actor: 'Julie',
          occurredAt: '2099-01-01T00:00:00Z',
        },
        status: 400,
        code: 'validation_failed',
        paths: { occurredAt: /future/ },
      },
    ])('refuses $what, naming the field, and writes nothing', async (c) => {
      const before = await rowCounts(stack);
      const response = await change(clientId, c.body);
      expectProblem(response, c.status, c.code, c.paths);
      expect(await rowCounts(stack)).toEqual(before);
    });

    it('refuses a message of another client as the proof', async () => {
      const before = await rowCounts(stack);
      const response = await change(clientId, {
        channel: 'sms',
        granted: false,
        source: 'reply_stop',
        actor: 'system',
        messageId: strangerMessage,
      });
      expectProblem(response, 422, 'invalid_reference', {
        messageId: /unknown message of this client/,
      });
      expect(await rowCounts(stack)).toEqual(before);
    });

    it('answers 404 for a client of another shop', async () => {
      const other = await createShop(stack.api, { name: 'Optic 2000' });
      const response = await stack.api.post(
        `/v1/shops/${other}/clients/${clientId}/consent`,
        { channel: 'sms', granted: false, source: 'in_shop', actor: 'Julie' },
      );
      expectProblem(response, 404, 'not_found', { clientId: null });
    });
  });
});
