import { randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import IORedis from 'ioredis';
import { ManualClock, silentLogger } from '@optic/domain';
import {
  monthsBefore,
  purgeExpiredPersonalData,
  RetentionJob,
  startWorkerProcess,
} from '@optic/delivery';
import type { ChannelHandler } from '@optic/delivery';
import { LocalDocumentStore } from '@optic/providers';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { TEST_REDIS_URL } from '../support/test-env';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { expectProblem } from './client-support';

const PDF = Buffer.from('%PDF-1.4 facture de Claire Durand');

describe('data protection', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 100);
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

  async function upload(clientId: string, visitId?: string): Promise<string> {
    const form = new FormData();
    form.append('clientId', clientId);
    if (visitId) form.append('visitId', visitId);
    form.append('type', 'Facture');
    form.append('file', new Blob([PDF]), 'facture-durand.pdf');
    const response = await fetch(
      `${stack.apiUrl}/v1/shops/${shopId}/documents`,
      {
        method: 'POST',
        body: form,
        headers: { authorization: stack.authorization },
      },
    );
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  async function documentFiles(): Promise<number> {
    const entries = await readdir(stack.documentsDir, {
      recursive: true,
      withFileTypes: true,
    });
    return entries.filter((e) => e.isFile()).length;
  }

  /** A client with a visit, a document, a sent SMS, a sent e-mail and a reply. */
  async function clientWithHistory() {
    const clientId = await createClient(stack.api, shopId);
    const visit = await stack.api.post(`/v1/shops/${shopId}/visits`, {
      clientId,
      kind: 'glasses',
      visitDate: '2026-05-04',
      status: 'ready',
      actor: 'Julie',
    });
    const documentId = await upload(clientId, visit.data.id);
    const smsId = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour %prenom, vos lunettes sont prêtes.',
    });
    const emailId = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Votre facture',
      body: 'Bonjour %prenom, voici votre facture.',
      documentIds: [documentId],
    });
    await settled(smsId);
    await settled(emailId);
    await stack.db.dataSource.query(
      `INSERT INTO sms_reply (id, shop_id, client_id, message_id, number, text,
         is_stop, received_at)
       VALUES ($1, $2, $3, $4, '+33612345678', 'Merci, je passe demain', false, now())`,
      [randomUUID(), shopId, clientId, smsId],
    );
    return {
      clientId,
      visitId: visit.data.id as string,
      documentId,
      smsId,
      emailId,
    };
  }

  describe('when a client asks for their data', () => {
    it('exports the record, visits, consent trail, messages, replies and documents list as JSON', async () => {
      const held = await clientWithHistory();
      const stranger = await createClient(stack.api, shopId, {
        lastName: 'Étranger',
      });

      const response = await stack.api.get(
        `/v1/shops/${shopId}/clients/${held.clientId}/export`,
      );

      expect(response.status).toBe(200);
      expect(response.headers['content-disposition']).toMatch(
        /attachment; filename="?client-[0-9a-f-]+\.json"?/,
      );
      const data = response.data;
      expect(data.client).toMatchObject({
        id: held.clientId,
        lastName: 'Durand',
        mobile: '+33612345678',
        email: 'claire.durand@example.org',
      });
      expect(data.consent.sms).toMatchObject({ granted: true, actor: 'Julie' });
      expect(data.consentTrail).toHaveLength(2);
      expect(data.visits).toEqual([
        expect.objectContaining({
          id: held.visitId,
          status: 'ready',
          statusHistory: [
            expect.objectContaining({ status: 'ready', actor: 'Julie' }),
          ],
        }),
      ]);
      expect(data.messages.map((m: { id: string }) => m.id).sort()).toEqual(
        [held.smsId, held.emailId].sort(),
      );
      expect(
        data.messages.find((m: { id: string }) => m.id === held.smsId),
      ).toMatchObject({
        status: 'sent',
        text: 'Bonjour Claire, vos lunettes sont prêtes.',
        recipient: '+33612345678',
      });
      expect(data.replies).toEqual([
        expect.objectContaining({ text: 'Merci, je passe demain' }),
      ]);
      expect(data.documents).toEqual([
        expect.objectContaining({
          id: held.documentId,
          name: 'facture-durand.pdf',
          type: 'Facture',
        }),
      ]);
      expect(JSON.stringify(data)).not.toContain(stranger);
      expect(JSON.stringify(data)).not.toContain('storageKey');
    });
  });

  describe('when a client asks to be erased', () => {
    it('removes personal data while the ledger, the counts and the anonymised history stay', async () => {
      const held = await clientWithHistory();
      const queuedId = randomUUID();
      await stack.db.dataSource.query(
        `INSERT INTO message (id, shop_id, client_id, channel, kind, body,
           status, queued_at, not_before, updated_at)
         VALUES ($1, $2, $3, 'sms', 'marketing', 'Soldes %prenom', 'queued',
           now(), now() + interval '30 days', now())`,
        [queuedId, shopId, held.clientId],
      );
      const ledgerBefore = await ledgerOf(shopId);
      const statsBefore = await stack.api.get(
        `/v1/shops/${shopId}/messages/stats`,
      );
      const filesBefore = await documentFiles();

      const erased = await stack.api.delete(
        `/v1/shops/${shopId}/clients/${held.clientId}`,
      );

      expect(erased.status).toBe(204);
      expect(await ledgerOf(shopId)).toEqual(ledgerBefore);
      const stats = (await stack.api.get(`/v1/shops/${shopId}/messages/stats`))
        .data.counts;
      expect(stats.sms.queued ?? 0).toBe(
        statsBefore.data.counts.sms.queued - 1,
      );
      expect(stats.sms.cancelled).toBe(1);
      expect(stats.email).toEqual(statsBefore.data.counts.email);
      expect(stats.sms.sent).toBe(statsBefore.data.counts.sms.sent);

      const history = await stack.api.get(`/v1/shops/${shopId}/messages`, {
        params: { clientId: held.clientId },
      });
      expect(history.data.items).toHaveLength(3);
      for (const message of history.data.items) {
        expect(message).toMatchObject({
          clientId: held.clientId,
          recipient: null,
          subject: null,
          text: '',
          error: null,
        });
      }
      const sms = await getMessage(stack.api, shopId, held.smsId);
      expect(sms).toMatchObject({ status: 'sent', credits: 1, segments: 1 });
      expect(await getMessage(stack.api, shopId, queuedId)).toMatchObject({
        status: 'cancelled',
        reason: 'client_erased',
      });

      const [row] = await stack.db.dataSource.query(
        `SELECT * FROM client WHERE id = $1`,
        [held.clientId],
      );
      expect(row).toMatchObject({
        last_name: '',
        first_name: null,
        civility: null,
        mobile: null,
        email: null,
        external_id: null,
        search_name: '',
        sms_consent: false,
        email_consent: false,
      });
      expect(row.erased_at).toBeInstanceOf(Date);
      const [reply] = await stack.db.dataSource.query(
        `SELECT id, number, text FROM sms_reply WHERE client_id = $1`,
        [held.clientId],
      );
      expect(reply).toEqual({
        id: reply.id,
        number: `erased-${reply.id}`,
        text: null,
      });
      const documents = await stack.db.dataSource.query(
        `SELECT id FROM document WHERE client_id = $1`,
        [held.clientId],
      );
      expect(documents).toEqual([]);
      expect(await documentFiles()).toBe(filesBefore - 1);
      const visits = await stack.db.dataSource.query(
        `SELECT id FROM visit WHERE client_id = $1`,
        [held.clientId],
      );
      expect(visits).toHaveLength(1);

      const read = await stack.api.get(
        `/v1/shops/${shopId}/clients/${held.clientId}`,
      );
      expectProblem(read, 404, 'not_found', { clientId: null });
      const list = await stack.api.get(`/v1/shops/${shopId}/clients`, {
        params: { q: 'durand' },
      });
      expect(list.data.items.map((c: { id: string }) => c.id)).not.toContain(
        held.clientId,
      );
      const send = await stack.api.post(`/v1/shops/${shopId}/messages`, {
        channel: 'sms',
        clientId: held.clientId,
        body: 'Encore ?',
        salesperson: 'Julie',
      });
      expectProblem(send, 422, 'invalid_reference', { clientId: null });
    });

    it('answers 204 again to a second erasure, and 404 to an unknown client', async () => {
      const clientId = await createClient(stack.api, shopId);
      expect(
        (await stack.api.delete(`/v1/shops/${shopId}/clients/${clientId}`))
          .status,
      ).toBe(204);

      const again = await stack.api.delete(
        `/v1/shops/${shopId}/clients/${clientId}`,
      );
      const unknown = await stack.api.delete(
        `/v1/shops/${shopId}/clients/${randomUUID()}`,
      );

      expect(again.status).toBe(204);
      expectProblem(unknown, 404, 'not_found', { clientId: null });
    });

    it('answers 409 while a message to the client is being sent, and erases nothing', async () => {
      const clientId = await createClient(stack.api, shopId);
      const messageId = randomUUID();
      await stack.db.dataSource.query(
        `INSERT INTO message (id, shop_id, client_id, channel, kind, body,
           status, recipient, queued_at, sending_at, updated_at)
         VALUES ($1, $2, $3, 'sms', 'transactional', 'Bonjour', 'sending',
           '+33612345678', now(), now(), now())`,
        [messageId, shopId, clientId],
      );

      const response = await stack.api.delete(
        `/v1/shops/${shopId}/clients/${clientId}`,
      );

      expectProblem(response, 409, 'client_busy', { clientId: /being sent/ });
      const read = await stack.api.get(
        `/v1/shops/${shopId}/clients/${clientId}`,
      );
      expect(read.data.lastName).toBe('Durand');
      const [message] = await stack.db.dataSource.query(
        `SELECT recipient FROM message WHERE id = $1`,
        [messageId],
      );
      expect(message.recipient).toBe('+33612345678');
      // Let the rest of the suite read a settled history.
      await stack.db.dataSource.query(
        `UPDATE message SET status = 'unknown', unknown_at = now() WHERE id = $1`,
        [messageId],
      );
    });
  });

  async function ledgerOf(shop: string) {
    const rows = await stack.db.dataSource.query(
      `SELECT id, kind, amount, message_id FROM credit_ledger
       WHERE shop_id = $1 ORDER BY id`,
      [shop],
    );
    const [{ balance }] = await stack.db.dataSource.query(
      `SELECT credit_balance AS balance FROM shop WHERE id = $1`,
      [shop],
    );
    return { rows, balance };
  }

  describe('when personal content is older than the retention period', () => {
    // Everything the suite writes is dated now: seen from 29 months later
    // it is recent, and rows backdated by a year are 41 months old.
    const START = new Date();
    const NOW = monthsBefore(START, -29);
    const OLD = monthsBefore(START, 12);
    const RECENT = START;

    async function backdate(
      table: string,
      column: string,
      id: string,
      at: Date,
    ) {
      await stack.db.dataSource.query(
        `UPDATE ${table} SET ${column} = $2 WHERE id = $1`,
        [id, at],
      );
    }

    it('purges message texts, replies and documents older than N months, and nothing newer', async () => {
      const old = await clientWithHistory();
      const recent = await clientWithHistory();
      for (const [held, at] of [
        [old, OLD],
        [recent, RECENT],
      ] as const) {
        await backdate('message', 'queued_at', held.smsId, at);
        await backdate('message', 'queued_at', held.emailId, at);
        await backdate('document', 'created_at', held.documentId, at);
        await stack.db.dataSource.query(
          `UPDATE sms_reply SET received_at = $2 WHERE client_id = $1`,
          [held.clientId, at],
        );
      }
      const ledgerBefore = await ledgerOf(shopId);
      const filesBefore = await documentFiles();
      const documents = new LocalDocumentStore(stack.documentsDir);
      const clock = new ManualClock(NOW);

      const report = await purgeExpiredPersonalData(stack.db.dataSource, {
        now: clock.now(),
        months: 36,
        documents,
      });

      expect(report).toMatchObject({
        cutoff: monthsBefore(NOW, 36),
        messages: 2,
        replies: 1,
        documents: 1,
        skipped: false,
      });
      for (const id of [old.smsId, old.emailId]) {
        expect(await getMessage(stack.api, shopId, id)).toMatchObject({
          text: '',
          subject: null,
          status: 'sent',
        });
      }
      expect((await getMessage(stack.api, shopId, recent.smsId)).text).toBe(
        'Bonjour Claire, vos lunettes sont prêtes.',
      );
      const replies = await stack.db.dataSource.query(
        `SELECT client_id, text FROM sms_reply WHERE client_id = ANY($1)`,
        [[old.clientId, recent.clientId]],
      );
      expect(replies).toEqual(
        expect.arrayContaining([
          { client_id: old.clientId, text: null },
          { client_id: recent.clientId, text: 'Merci, je passe demain' },
        ]),
      );
      const docs = await stack.db.dataSource.query(
        `SELECT id FROM document WHERE id = ANY($1)`,
        [[old.documentId, recent.documentId]],
      );
      expect(docs).toEqual([{ id: recent.documentId }]);
      expect(await documentFiles()).toBe(filesBefore - 1);
      expect(await ledgerOf(shopId)).toEqual(ledgerBefore);

      const again = await purgeExpiredPersonalData(stack.db.dataSource, {
        now: clock.now(),
        months: 36,
        documents,
      });
      expect(again).toMatchObject({ messages: 0, replies: 0, documents: 0 });
    });

    it('counts months on the calendar, short months included', () => {
      expect(monthsBefore(new Date('2030-03-31T10:00:00Z'), 1)).toEqual(
        new Date('2030-02-28T10:00:00Z'),
      );
      expect(monthsBefore(new Date('2030-01-15T00:00:00Z'), 36)).toEqual(
        new Date('2027-01-15T00:00:00Z'),
      );
    });

    it('runs on its interval and reads the clock it is given each time', async () => {
      const held = await clientWithHistory();
      await backdate(
        'message',
        'queued_at',
        held.smsId,
        new Date('2031-01-01T00:00:00Z'),
      );
      const clock = new ManualClock(new Date('2031-06-01T00:00:00Z'));
      const job = new RetentionJob(
        stack.db.dataSource,
        {
          months: 12,
          intervalMs: 50,
          documents: new LocalDocumentStore(stack.documentsDir),
        },
        clock,
      );
      job.start();
      try {
        const textOf = async () =>
          (await getMessage(stack.api, shopId, held.smsId)).text;
        // A year has not passed on this clock: the text stays.
        await job.runOnce();
        expect(await textOf()).not.toBe('');

        clock.set(new Date('2032-01-02T00:00:00Z'));
        await waitFor(async () => (await textOf()) === '', {
          what: 'the scheduled purge',
          timeoutMs: 5000,
        });
      } finally {
        await job.stop();
      }
    });

    it('is started by a worker process whose settings ask for it', async () => {
      const held = await clientWithHistory();
      await backdate(
        'message',
        'queued_at',
        held.emailId,
        new Date('2033-01-01T00:00:00Z'),
      );
      const prefix = `{r${randomBytes(5).toString('hex')}}`;
      const worker = await startWorkerProcess(
        {
          channel: 'email',
          databaseUrl: stack.db.url,
          redisUrl: TEST_REDIS_URL,
          queuePrefix: prefix,
          retryPolicy: { attempts: 1, baseDelayMs: 100, maxDelayMs: 100 },
          concurrency: { counter: 1, campaign: 1 },
          sweepIntervalMs: 60_000,
          poolSize: 2,
          clock: new ManualClock(new Date('2036-06-01T00:00:00Z')),
          logger: silentLogger,
          retention: {
            months: 36,
            intervalMs: 50,
            documents: new LocalDocumentStore(stack.documentsDir),
          },
        },
        () => idleChannel,
      );
      try {
        await waitFor(
          async () =>
            (await getMessage(stack.api, shopId, held.emailId)).text === '',
          { what: 'the worker process purge', timeoutMs: 5000 },
        );
      } finally {
        await worker.close();
        await deleteKeys(prefix);
      }
    });
  });
});

/** A channel for a worker process that is only there for its schedule. */
const idleChannel: ChannelHandler = {
  channel: 'email',
  provider: 'none',
  prepare: () => ({ ok: false, reason: 'empty_text', detail: 'idle' }),
  send: () => Promise.reject(new Error('idle channel')),
  notBefore: () => null,
  canResendAfterCrash: () => false,
};

async function deleteKeys(prefix: string): Promise<void> {
  const redis = new IORedis(TEST_REDIS_URL);
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
