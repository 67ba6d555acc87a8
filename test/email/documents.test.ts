import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { createVisit, FILES, upload, uploadOk } from './email-support';

describe('documents of a client and of a visit', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;
  let visitId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
    visitId = await createVisit(stack, shopId, clientId);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('lists a client’s documents newest first with type, name and date, and a visit’s apart', async () => {
    const otherClient = await createClient(stack.api, shopId, {
      lastName: 'Martin',
    });
    const ofClient = await uploadOk(stack, shopId, {
      clientId,
      type: 'Ordonnance',
      name: 'ordonnance.pdf',
      content: FILES.pdf,
    });
    const ofVisit = await uploadOk(stack, shopId, {
      clientId,
      visitId,
      type: 'Facture',
      name: 'facture.pdf',
      content: FILES.pdf,
    });
    await uploadOk(stack, shopId, {
      clientId: otherClient,
      name: 'autre.pdf',
      content: FILES.pdf,
    });

    const ofTheClient = await stack.api.get(
      `/v1/shops/${shopId}/clients/${clientId}/documents`,
    );
    const ofTheVisit = await stack.api.get(
      `/v1/shops/${shopId}/visits/${visitId}/documents`,
    );

    expect(ofTheClient.status).toBe(200);
    const ids = ofTheClient.data.items.map((d: { id: string }) => d.id);
    expect(ids.indexOf(ofVisit)).toBeLessThan(ids.indexOf(ofClient));
    expect(ofTheClient.data.items[0]).toEqual({
      id: ofVisit,
      shopId,
      clientId,
      visitId,
      type: 'Facture',
      name: 'facture.pdf',
      contentType: 'application/pdf',
      sizeBytes: FILES.pdf.length,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(ofTheVisit.data.items.map((d: { id: string }) => d.id)).toEqual([
      ofVisit,
    ]);
  });

  it('pages the list with a cursor', async () => {
    const client = await createClient(stack.api, shopId, { lastName: 'Petit' });
    for (const name of ['a.pdf', 'b.pdf', 'c.pdf']) {
      await uploadOk(stack, shopId, {
        clientId: client,
        name,
        content: FILES.pdf,
      });
    }

    const first = await stack.api.get(
      `/v1/shops/${shopId}/clients/${client}/documents?limit=2`,
    );
    const second = await stack.api.get(
      `/v1/shops/${shopId}/clients/${client}/documents?limit=2&cursor=${first.data.nextCursor}`,
    );

    expect(first.data.items.map((d: { name: string }) => d.name)).toEqual([
      'c.pdf',
      'b.pdf',
    ]);
    expect(second.data.items.map((d: { name: string }) => d.name)).toEqual([
      'a.pdf',
    ]);
    expect(second.data.nextCursor).toBeNull();
  });

  it('downloads the bytes as stored, with the type read from them and the name encoded', async () => {
    const id = await uploadOk(stack, shopId, {
      clientId,
      name: 'Monture été 👓.jpg',
      content: FILES.jpeg,
    });

    const response = await fetch(
      `${stack.apiUrl}/v1/shops/${shopId}/documents/${id}/content`,
      { headers: { authorization: stack.authorization } },
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''Monture%20%C3%A9t%C3%A9%20%F0%9F%91%93.jpg",
    );
    expect(Buffer.from(await response.arrayBuffer())).toEqual(FILES.jpeg);
  });

  it('stores under a key of its own: a name with a path stays a name', async () => {
    const before = await filesIn(stack.documentsDir);
    const created = await upload(stack, shopId, {
      clientId,
      name: '../../../etc/passwd.txt',
      content: FILES.text,
    });

    expect(created.status).toBe(201);
    expect(created.data.name).toBe('passwd.txt');
    expect(created.data).not.toHaveProperty('storageKey');
    const after = await filesIn(stack.documentsDir);
    expect(after.length).toBe(before.length + 1);
    expect(
      after.every((file) => /^[0-9a-f]{2}\/[0-9a-f-]{36}$/.test(file)),
    ).toBe(true);
  });

  describe('when the file is not one a shop may send', () => {
    it.each([
      ['a program', 'setup.exe', FILES.exe],
      ['a program named as a PDF', 'facture.pdf', FILES.exe],
      ['a web page', 'page.html', FILES.html],
      ['a zip archive', 'photos.zip', FILES.zip],
      ['a JPEG named as a PDF', 'facture.pdf', FILES.jpeg],
    ])(
      'answers 415 naming file for %s, and stores nothing',
      async (_what, name, content) => {
        const before = await filesIn(stack.documentsDir);

        const response = await upload(stack, shopId, {
          clientId,
          name,
          content,
        });

        expect(response.status).toBe(415);
        expect(response.data).toMatchObject({
          code: 'unsupported_file_type',
          errors: [{ path: 'file', message: expect.stringMatching(/\S/) }],
        });
        expect(await filesIn(stack.documentsDir)).toEqual(before);
      },
    );

    it('answers 413 payload_too_large for a 30 MB file', async () => {
      const response = await upload(stack, shopId, {
        clientId,
        name: 'scan.pdf',
        content: Buffer.concat([FILES.pdf, Buffer.alloc(30 * 1024 * 1024)]),
      });

      expect(response.status).toBe(413);
      expect(response.data).toMatchObject({
        code: 'payload_too_large',
        errors: [
          { path: 'file', message: expect.stringMatching(/5242880 bytes/) },
        ],
      });
    });

    it('answers 422 naming file for an empty file', async () => {
      const response = await upload(stack, shopId, {
        clientId,
        name: 'vide.pdf',
        content: Buffer.alloc(0),
      });

      expect(response.status).toBe(422);
      expect(response.data).toMatchObject({ code: 'empty_file' });
    });
  });

  describe('when the document is another shop’s', () => {
    it('answers 404 to its metadata, its content and its client’s list', async () => {
      const strangerShop = await createShop(stack.api, { name: 'Optic 2000' });
      const strangerClient = await createClient(stack.api, strangerShop);
      const id = await uploadOk(stack, strangerShop, {
        clientId: strangerClient,
        name: 'facture.pdf',
        content: FILES.pdf,
      });

      const answers = await Promise.all([
        stack.api.get(`/v1/shops/${shopId}/documents/${id}`),
        stack.api.get(`/v1/shops/${shopId}/documents/${id}/content`),
        stack.api.get(
          `/v1/shops/${shopId}/clients/${strangerClient}/documents`,
        ),
      ]);

      expect(answers.map((a) => a.status)).toEqual([404, 404, 404]);
    });
  });
});

async function filesIn(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(root, path.join(entry.parentPath, entry.name)),
    )
    .sort();
}
