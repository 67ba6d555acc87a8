import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { createVisit } from './email-support';

describe('POST /v1/shops/:shopId/email/preview', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;
  let visitId: string;
  let templateId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api, { name: 'Optique & Fils' });
    clientId = await createClient(stack.api, shopId, {
      civility: 'M.',
      firstName: 'Jean',
      lastName: 'Dupont & Fils <test>',
    });
    visitId = await createVisit(stack, shopId, clientId);
    const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'email',
      label: 'Equipement optique',
      subject: 'Vos lunettes du %datevisite, %nom',
      body: '<p>Bonjour %civilite %nom,</p><p>Vos lunettes vous attendent chez <b>%magasin</b>.</p>',
    });
    templateId = template.data.id;
  });

  afterAll(async () => {
    await stack.close();
  });

  const preview = (body: Record<string, unknown>) =>
    stack.api.post(`/v1/shops/${shopId}/email/preview`, body);

  it('returns the subject, the HTML and the text the client will get, every value escaped', async () => {
    const response = await preview({ templateId, clientId, visitId });

    expect(response.status).toBe(200);
    expect(response.data.kind).toBe('transactional');
    expect(response.data.subject).toBe(
      'Vos lunettes du 20/11/2026, Dupont & Fils <test>',
    );
    const { html, text } = response.data;
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('Bonjour M. Dupont &amp; Fils &lt;test&gt;,');
    expect(html).not.toContain('<test>');
    expect(html).toContain('<b>Optique &amp; Fils</b>');
    expect(html).toContain(
      '<title>Vos lunettes du 20/11/2026, Dupont &amp; Fils &lt;test&gt;</title>',
    );
    expect(html).toContain('href="https://optique-lumiere.test"');
    expect(text).toContain('Bonjour M. Dupont & Fils <test>,');
    expect(text).toContain('Vos lunettes vous attendent chez Optique & Fils.');
    expect(text).toContain('contact@optique-lumiere.test');
    expect(text).not.toMatch(/<(p|b|a|br|div)\b/i);
  });

  it('keeps the fields of the client as tokens when no client is given', async () => {
    const response = await preview({ templateId });

    expect(response.data.subject).toBe('Vos lunettes du %datevisite, %nom');
    expect(response.data.html).toContain('Bonjour %civilite %nom,');
  });

  it('previews a typed e-mail, with the unsubscribe link when it is marketing', async () => {
    const response = await preview({
      subject: 'Soldes -30 % chez %magasin',
      body: '<p>Profitez-en, %prenom !</p>',
      kind: 'marketing',
      clientId,
    });

    expect(response.status).toBe(200);
    expect(response.data.subject).toBe('Soldes -30 % chez Optique & Fils');
    expect(response.data.html).toContain('Profitez-en, Jean !');
    expect(response.data.html).toContain('Se désabonner');
    expect(response.data.text).toContain('/v1/unsubscribe/');
  });

  describe('when the request is wrong', () => {
    it.each([
      {
        what: 'both a template and a body',
        body: () => ({ templateId, subject: 'x', body: '<p>x</p>' }),
        status: 400,
        path: 'body',
      },
      {
        what: 'a body without subject',
        body: () => ({ body: '<p>x</p>' }),
        status: 400,
        path: 'subject',
      },
      {
        what: 'a body with a script',
        body: () => ({ subject: 'x', body: '<script>alert(1)</script>' }),
        status: 422,
        path: 'body',
      },
      {
        what: 'an unknown merge field',
        body: () => ({ subject: 'x', body: '<p>%prenon</p>' }),
        status: 422,
        path: 'body',
      },
      {
        what: 'a client of no one',
        body: () => ({
          templateId,
          clientId: '5b0c9a47-07f0-4a36-b2fb-1f6d62a1b0d4',
        }),
        status: 422,
        path: 'clientId',
      },
    ])(
      'answers $status naming $path for $what',
      async ({ body, status, path }) => {
        const response = await preview(body());

        expect(response.status).toBe(status);
        expect(
          response.data.errors.map((e: { path: string }) => e.path),
        ).toEqual([path]);
      },
    );

    it('answers 422 naming templateId for an SMS template', async () => {
      const sms = await stack.api.post(`/v1/shops/${shopId}/templates`, {
        channel: 'sms',
        label: 'Lunettes prêtes',
        body: 'Bonjour %prenom',
      });

      const response = await preview({ templateId: sms.data.id });

      expect(response.status).toBe(422);
      expect(response.data.errors).toEqual([
        {
          path: 'templateId',
          message: 'an SMS template cannot be previewed as an e-mail',
        },
      ]);
    });
  });
});
