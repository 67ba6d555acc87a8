import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

describe('sending an e-mail from the counter', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  async function uploadInvoice(
    shopId: string,
    clientId: string,
    visitId: string,
  ): Promise<string> {
    const form = new FormData();
    form.append('clientId', clientId);
    form.append('visitId', visitId);
    form.append('type', 'Facture');
    form.append(
      'file',
      new Blob([PDF], { type: 'application/pdf' }),
      'facture.pdf',
    );
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

  it('goes queued → sending → sent and the server receives the rendered mail with the PDF', async () => {
    const shopId = await createShop(stack.api, { name: 'Optique & Fils' });
    const clientId = await createClient(stack.api, shopId, {
      lastName: 'Dupont <test>',
      firstName: 'Hélène',
    });
    const visit = await stack.api.post(`/v1/shops/${shopId}/visits`, {
      clientId,
      kind: 'glasses',
      visitDate: '2026-11-20',
      status: 'ready',
    });
    expect(visit.status).toBe(201);
    const documentId = await uploadInvoice(shopId, clientId, visit.data.id);

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      visitId: visit.data.id,
      subject: 'Votre facture du %datevisite',
      body: '<p>Bonjour %civilite %prenom %nom,</p><p>Voici la facture de <b>%magasin</b>.</p>',
      documentIds: [documentId],
    });

    const message = await waitFor(
      async () => {
        const m = await getMessage(stack.api, shopId, id);
        return m.status === 'sent' ? m : undefined;
      },
      { what: 'the e-mail to be sent' },
    );

    const timestamps = message.timestamps as Record<string, string | null>;
    expect(Date.parse(timestamps.queuedAt!)).toBeLessThanOrEqual(
      Date.parse(timestamps.sendingAt!),
    );
    expect(Date.parse(timestamps.sendingAt!)).toBeLessThanOrEqual(
      Date.parse(timestamps.sentAt!),
    );
    expect(message.attempts).toBe(1);

    const mail = await waitFor(() =>
      stack.smtp.received.find(
        (m) =>
          m.parsed.to && m.envelope.to.includes('claire.durand@example.org'),
      ),
    );
    expect(mail.parsed.subject).toBe('Votre facture du 20/11/2026');
    expect(mail.parsed.html).toContain(
      'Bonjour Mme Hélène Dupont &lt;test&gt;,',
    );
    expect(mail.parsed.html).toContain('<b>Optique &amp; Fils</b>');
    expect(mail.parsed.text).toContain('Bonjour Mme Hélène Dupont <test>,');
    expect(mail.parsed.attachments).toHaveLength(1);
    expect(mail.parsed.attachments[0]!.filename).toBe('facture.pdf');
    expect(mail.parsed.attachments[0]!.contentType).toBe('application/pdf');
    expect(Buffer.compare(mail.parsed.attachments[0]!.content, PDF)).toBe(0);
  });

  it('stores the uploaded document byte for byte', async () => {
    const shopId = await createShop(stack.api);
    const clientId = await createClient(stack.api, shopId);
    const visit = await stack.api.post(`/v1/shops/${shopId}/visits`, {
      clientId,
      kind: 'repair',
      visitDate: '2026-11-21',
    });
    const documentId = await uploadInvoice(shopId, clientId, visit.data.id);

    const rows: { storage_key: string }[] = await stack.db.dataSource.query(
      'SELECT storage_key FROM document WHERE id = $1',
      [documentId],
    );
    const stored = await readFile(
      path.join(stack.documentsDir, rows[0]!.storage_key),
    );
    expect(Buffer.compare(stored, PDF)).toBe(0);
  });
});
