import { createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';

const RICH_BODY =
  '<p style="text-align: center"><font face="Helvetica" color="#336699">Bonjour %prenom,</font></p>' +
  '<p><b>Vos lentilles</b> sont <u>arrivées</u> chez %magasin.</p>' +
  '<table class="word"><tr><td>collé depuis Word</td></tr></table>';

describe('predefined e-mails', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  const templates = () => `/v1/shops/${shopId}/templates`;
  const templateRows = async () =>
    (
      await stack.db.dataSource.query(
        'SELECT count(*)::int AS n FROM template WHERE shop_id = $1',
        [shopId],
      )
    )[0].n;

  it('keeps label, subject, kind and the editor’s formatting, and drops the rest', async () => {
    const created = await stack.api.post(templates(), {
      channel: 'email',
      label: 'Equipement lentille',
      subject: 'Vos lentilles sont arrivées, %prenom',
      kind: 'marketing',
      body: RICH_BODY,
    });

    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      channel: 'email',
      label: 'Equipement lentille',
      subject: 'Vos lentilles sont arrivées, %prenom',
      kind: 'marketing',
      body:
        '<p style="text-align:center"><font face="Helvetica" color="#336699">Bonjour %prenom,</font></p>' +
        '<p><b>Vos lentilles</b> sont <u>arrivées</u> chez %magasin.</p>' +
        'collé depuis Word',
    });
    const listed = await stack.api.get(`${templates()}?channel=email`);
    expect(listed.data.items).toEqual([
      expect.objectContaining({
        id: created.data.id,
        label: 'Equipement lentille',
        subject: 'Vos lentilles sont arrivées, %prenom',
        kind: 'marketing',
      }),
    ]);
  });

  describe('when the body or subject is refused', () => {
    it.each([
      {
        what: 'a <script>',
        change: { body: '<p>Bonjour</p><script>alert(1)</script>' },
        status: 422,
        path: 'body',
        message: /<script>/,
      },
      {
        what: 'an onerror handler',
        change: { body: '<img src="x.png" onerror="alert(1)">' },
        status: 422,
        path: 'body',
        message: /onerror/,
      },
      {
        what: 'a javascript: link disguised by entities',
        change: { body: '<a href="&#106;avascript:alert(1)">x</a>' },
        status: 422,
        path: 'body',
        message: /javascript: URL/,
      },
      {
        what: 'an image as a data: URL',
        change: { body: '<img src="data:image/png;base64,AAAA">' },
        status: 422,
        path: 'body',
        message: /data: URL/,
      },
      {
        what: 'an unknown merge field in the body',
        change: { body: '<p>Bonjour %prenon</p>' },
        status: 422,
        path: 'body',
        message: /unknown merge field %prenon/,
      },
      {
        what: 'an unknown merge field in the subject',
        change: { subject: 'Pour %client' },
        status: 422,
        path: 'subject',
        message: /unknown merge field %client/,
      },
      {
        what: 'a subject over 255 characters',
        change: { subject: 'é'.repeat(256) },
        status: 400,
        path: 'subject',
        message: /255/,
      },
    ])(
      'answers $status naming $path for $what, and saves nothing',
      async ({ change, status, path, message }) => {
        const before = await templateRows();

        const response = await stack.api.post(templates(), {
          channel: 'email',
          label: 'Remise solaire',
          subject: 'Remise solaire',
          body: '<p>Bonjour</p>',
          ...change,
        });

        expect(response.status).toBe(status);
        expect(response.data.errors).toEqual([
          { path, message: expect.stringMatching(message) },
        ]);
        expect(await templateRows()).toBe(before);
      },
    );

    it('refuses a change that adds a script, and keeps the saved body', async () => {
      const created = await stack.api.post(templates(), {
        channel: 'email',
        label: 'Ajustement',
        subject: 'Ajustement',
        body: '<p>Bonjour</p>',
      });

      const response = await stack.api.patch(
        `${templates()}/${created.data.id}`,
        { body: '<p onclick="steal()">Bonjour</p>' },
      );

      expect(response.status).toBe(422);
      expect(response.data.code).toBe('unsafe_html');
      const saved = await stack.api.get(`${templates()}/${created.data.id}`);
      expect(saved.data.body).toBe('<p>Bonjour</p>');
    });
  });
});
