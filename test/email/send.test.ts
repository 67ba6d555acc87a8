import { createClient, createShop, sendMessage } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import {
  createVisit,
  FILES,
  mailFor,
  settled,
  uploadOk,
} from './email-support';

const BODY =
  '<p style="text-align: center">Bonjour %civilite %prenom %nom,</p>' +
  '<p>Vous trouverez ci-joint la <b>facture</b> de votre équipement et la ' +
  '<span style="color: #336699">photo de la monture</span>.</p>' +
  '<p><a href="https://optique-lumiere.test/rdv">Prendre rendez-vous</a></p>';

describe('sending an e-mail with documents', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function shopWithClient(overrides: Record<string, unknown> = {}) {
    const shopId = await createShop(stack.api, {
      emailFromName: 'Optique Lumière 👓',
    });
    const clientId = await createClient(stack.api, shopId, {
      civility: 'M.',
      firstName: 'Hélène',
      lastName: 'Dupont & Fils <test>',
      ...overrides,
    });
    const visitId = await createVisit(stack, shopId, clientId);
    return { shopId, clientId, visitId };
  }

  async function setCopy(shopId: string, policy: 'cc' | 'bcc') {
    const response = await stack.api.patch(
      `/v1/shops/${shopId}/email/settings`,
      {
        copy: { policy, address: 'archives@optique-lumiere.test' },
      },
    );
    expect(response.status).toBe(200);
  }

  it('delivers the rendered e-mail, its text part and its documents byte for byte, every header encoded', async () => {
    const { shopId, clientId, visitId } = await shopWithClient();
    const invoice = await uploadOk(stack, shopId, {
      clientId,
      visitId,
      type: 'Facture',
      name: 'facture été 👓.pdf',
      content: FILES.pdf,
    });
    const photo = await uploadOk(stack, shopId, {
      clientId,
      type: 'Autre Document',
      name: 'photo.jpg',
      content: FILES.jpeg,
    });

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      visitId,
      subject: 'Votre facture é 👓 du %datevisite',
      body: BODY,
      documentIds: [invoice, photo],
    });

    expect((await settled(stack, shopId, id)).status).toBe('sent');
    const [mail, ...others] = mailFor(stack.smtp.received, id);
    expect(others).toEqual([]);
    const { parsed, raw, envelope } = mail!;

    expect(envelope).toEqual({
      from: 'contact@optique-lumiere.test',
      to: ['claire.durand@example.org'],
    });
    expect(parsed.subject).toBe('Votre facture é 👓 du 20/11/2026');
    expect(parsed.from?.value).toEqual([
      { address: 'contact@optique-lumiere.test', name: 'Optique Lumière 👓' },
    ]);
    expect(parsed.to).toMatchObject({
      value: [{ address: 'claire.durand@example.org' }],
    });
    expect(parsed.messageId).toBe(`<${id}@optique-lumiere.test>`);
    expect(parsed.cc).toBeUndefined();
    expect(parsed.headers.has('list-unsubscribe')).toBe(false);

    // Non-ASCII headers travel as RFC 2047 encoded words, never raw 8-bit.
    const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(head).toMatch(/^Subject: =\?UTF-8\?[QB]\?/im);
    expect(head).toMatch(/^From: =\?UTF-8\?[QB]\?/im);
    expect(head).not.toMatch(/[\u0080-\u00ff]/);

    expect(parsed.html).toContain(
      'Bonjour M. Hélène Dupont &amp; Fils &lt;test&gt;,',
    );
    expect(parsed.html).toContain('<b>facture</b>');
    expect(parsed.html).toContain('color:#336699');
    expect(parsed.html).toContain('href="https://optique-lumiere.test/rdv"');
    expect(parsed.html).toContain('Optique Lumière');
    expect(parsed.html).toContain('https://optique-lumiere.test');
    expect(parsed.text).toContain('Bonjour M. Hélène Dupont & Fils <test>,');
    expect(parsed.text).toContain(
      'Prendre rendez-vous [https://optique-lumiere.test/rdv]',
    );
    expect(parsed.text).toContain('contact@optique-lumiere.test');

    expect(
      parsed.attachments.map((a) => [a.filename, a.contentType, a.size]),
    ).toEqual([
      ['facture été 👓.pdf', 'application/pdf', FILES.pdf.length],
      ['photo.jpg', 'image/jpeg', FILES.jpeg.length],
    ]);
    expect(parsed.attachments[0]!.content.equals(FILES.pdf)).toBe(true);
    expect(parsed.attachments[1]!.content.equals(FILES.jpeg)).toBe(true);
  });

  it('copies the shop in CC: the header names it and its own envelope carries it', async () => {
    const { shopId, clientId } = await shopWithClient();
    await setCopy(shopId, 'cc');

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Vos lunettes sont prêtes',
      body: '<p>Bonjour %prenom</p>',
    });

    expect((await settled(stack, shopId, id)).status).toBe('sent');
    const mails = await waitFor(() => {
      const found = mailFor(stack.smtp.received, id);
      return found.length === 2 ? found : undefined;
    });
    expect(mails.map((m) => m.envelope.to)).toEqual([
      ['claire.durand@example.org'],
      ['archives@optique-lumiere.test'],
    ]);
    for (const { parsed } of mails) {
      expect(parsed.cc).toMatchObject({
        value: [{ address: 'archives@optique-lumiere.test' }],
      });
    }
    expect(mails[0]!.raw.equals(mails[1]!.raw)).toBe(true);
  });

  it('copies the shop in BCC: only the envelope knows it', async () => {
    const { shopId, clientId } = await shopWithClient();
    await setCopy(shopId, 'bcc');

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Vos lunettes sont prêtes',
      body: '<p>Bonjour %prenom</p>',
    });

    expect((await settled(stack, shopId, id)).status).toBe('sent');
    const mails = await waitFor(() => {
      const found = mailFor(stack.smtp.received, id);
      return found.length === 2 ? found : undefined;
    });
    expect(mails.map((m) => m.envelope.to)).toEqual([
      ['claire.durand@example.org'],
      ['archives@optique-lumiere.test'],
    ]);
    for (const { parsed, raw } of mails) {
      expect(parsed.cc).toBeUndefined();
      expect(parsed.bcc).toBeUndefined();
      expect(raw.toString()).not.toContain('archives@optique-lumiere.test');
    }
  });

  it('shows each e-mail in the history with date, recipient, subject, attachments, salesperson, status and error', async () => {
    const { shopId, clientId, visitId } = await shopWithClient();
    const invoice = await uploadOk(stack, shopId, {
      clientId,
      visitId,
      type: 'Facture',
      name: 'facture.pdf',
      content: FILES.pdf,
    });
    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      visitId,
      salesperson: 'Julie',
      subject: 'Facture + seconde paire',
      body: '<p>Bonjour</p>',
      documentIds: [invoice],
    });
    await settled(stack, shopId, id);
    await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Bonjour',
    });

    const history = await stack.api.get(
      `/v1/shops/${shopId}/messages?channel=email`,
    );

    expect(history.status).toBe(200);
    expect(history.data.items).toEqual([
      expect.objectContaining({
        id,
        channel: 'email',
        recipient: 'claire.durand@example.org',
        subject: 'Facture + seconde paire',
        salesperson: 'Julie',
        status: 'sent',
        error: null,
        attachments: [
          {
            documentId: invoice,
            name: 'facture.pdf',
            contentType: 'application/pdf',
            sizeBytes: FILES.pdf.length,
          },
        ],
        timestamps: expect.objectContaining({
          queuedAt: expect.any(String),
          sentAt: expect.any(String),
        }),
      }),
    ]);
  });

  describe('when the request is refused', () => {
    it('answers 422 naming the document of another client, and queues nothing', async () => {
      const { shopId, clientId } = await shopWithClient();
      const otherClient = await createClient(stack.api, shopId, {
        lastName: 'Martin',
      });
      const theirs = await uploadOk(stack, shopId, {
        clientId: otherClient,
        name: 'facture.pdf',
        content: FILES.pdf,
      });

      const response = await stack.api.post(`/v1/shops/${shopId}/messages`, {
        channel: 'email',
        clientId,
        salesperson: 'Julie',
        subject: 'Facture',
        body: '<p>Bonjour</p>',
        documentIds: [theirs],
      });

      expect(response.status).toBe(422);
      expect(response.data.errors).toEqual([
        {
          path: 'documentIds.0',
          message: 'not a document of this client or visit',
        },
      ]);
      expect(await messageCount(shopId)).toBe(0);
    });

    it('answers 422 attachments_too_large when the documents do not fit in one e-mail', async () => {
      const { shopId, clientId } = await shopWithClient();
      const big = Buffer.concat([FILES.pdf, Buffer.alloc(4.5 * 1024 * 1024)]);
      const ids = [
        await uploadOk(stack, shopId, {
          clientId,
          name: 'a.pdf',
          content: big,
        }),
        await uploadOk(stack, shopId, {
          clientId,
          name: 'b.pdf',
          content: big,
        }),
      ];

      const response = await stack.api.post(`/v1/shops/${shopId}/messages`, {
        channel: 'email',
        clientId,
        salesperson: 'Julie',
        subject: 'Scans',
        body: '<p>Bonjour</p>',
        documentIds: ids,
      });

      expect(response.status).toBe(422);
      expect(response.data).toMatchObject({
        code: 'attachments_too_large',
        errors: [
          {
            path: 'documentIds',
            message: expect.stringMatching(/8388608 bytes/),
          },
        ],
      });
      expect(await messageCount(shopId)).toBe(0);
    });

    it.each([
      [
        'a body with a <script>',
        { body: '<p>Bonjour</p><script>alert(1)</script>' },
        422,
        'body',
        /<script>/,
      ],
      [
        'a subject over 255 characters',
        { subject: 'x'.repeat(256) },
        400,
        'subject',
        /255/,
      ],
      [
        'an unknown merge field in the subject',
        { subject: 'Pour %prenon' },
        422,
        'subject',
        /%prenon/,
      ],
    ])(
      'refuses %s, naming the field',
      async (_what, change, status, path, message) => {
        const { shopId, clientId } = await shopWithClient();

        const response = await stack.api.post(`/v1/shops/${shopId}/messages`, {
          channel: 'email',
          clientId,
          salesperson: 'Julie',
          subject: 'Bonjour',
          body: '<p>Bonjour</p>',
          ...change,
        });

        expect(response.status).toBe(status);
        expect(response.data.errors).toEqual([
          { path, message: expect.stringMatching(message) },
        ]);
        expect(await messageCount(shopId)).toBe(0);
      },
    );
  });

  describe('when the client cannot get e-mails', () => {
    it.each([
      ['has no address', { email: undefined }, 'no_recipient', null],
      ['did not agree', { emailConsent: false }, 'no_consent', null],
      [
        'has an address that is not one',
        {},
        'invalid_recipient',
        'claire.durand@@example',
      ],
    ])(
      'records a rejected message when the client %s, and sends nothing',
      async (_what, overrides, reason, storedAddress) => {
        const { shopId, clientId } = await shopWithClient(overrides);
        if (storedAddress) {
          // As an import from the practice application could have left it.
          await stack.db.dataSource.query(
            'UPDATE client SET email = $2 WHERE id = $1',
            [clientId, storedAddress],
          );
        }
        const id = await sendMessage(stack.api, shopId, {
          channel: 'email',
          clientId,
          subject: 'Bonjour',
          body: '<p>Bonjour</p>',
        });

        const message = await settled(stack, shopId, id);

        expect(message).toMatchObject({
          status: 'rejected',
          reason,
          error: expect.stringMatching(/\S/),
          attempts: 0,
        });
        expect(mailFor(stack.smtp.received, id)).toEqual([]);
      },
    );
  });

  async function messageCount(shopId: string): Promise<number> {
    const [row] = await stack.db.dataSource.query(
      'SELECT count(*)::int AS n FROM message WHERE shop_id = $1',
      [shopId],
    );
    return row.n;
  }
});
