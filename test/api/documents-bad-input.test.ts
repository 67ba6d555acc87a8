import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  expectRefusedWithoutTrace,
  invalid,
  postForm,
  snapshotStore,
  unknownId,
} from './bad-input-support';
import type { ExpectedProblem } from './bad-input-support';

// The test stack's DOCUMENT_MAX_BYTES.
const LIMIT = 5 * 1024 * 1024;

const unknownReference = (path: string, why: RegExp): ExpectedProblem => ({
  status: 422,
  code: 'invalid_reference',
  paths: [path],
  messages: { [path]: why },
});

interface Upload {
  clientId?: string;
  visitId?: string;
  /** Field name to file size in bytes. */
  files?: Record<string, number>;
}

function formOf(upload: Upload): FormData {
  const form = new FormData();
  if (upload.clientId) form.append('clientId', upload.clientId);
  if (upload.visitId) form.append('visitId', upload.visitId);
  for (const [field, size] of Object.entries(upload.files ?? {})) {
    form.append(field, new Blob([pdfOfSize(size)]), 'facture.pdf');
  }
  return form;
}

/** A file the API takes for a PDF (it reads the type from the bytes). */
function pdfOfSize(size: number): Buffer {
  const file = Buffer.alloc(size, 0x25);
  Buffer.from('%PDF-1.4\n').copy(file);
  return file;
}

describe('POST /v1/shops/:shopId/documents with bad input', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;
  let siblingVisitId: string;
  let strangerClientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
    const siblingId = await createClient(stack.api, shopId, {
      lastName: 'Martin',
    });
    const visit = await stack.api.post(`/v1/shops/${shopId}/visits`, {
      clientId: siblingId,
      kind: 'glasses',
      visitDate: '2026-11-20',
    });
    siblingVisitId = visit.data.id;
    const strangerShopId = await createShop(stack.api, { name: 'Optic 2000' });
    strangerClientId = await createClient(stack.api, strangerShopId);
  });

  afterAll(async () => {
    await stack.close();
  });

  const upload = (form: FormData, shop = shopId) =>
    postForm(stack, `/v1/shops/${shop}/documents`, form);

  describe('when the form is incomplete or names something wrong', () => {
    it.each([
      {
        what: 'there is no file',
        upload: (): Upload => ({ clientId }),
        expected: invalid(['file'], { file: /a file is required/ }),
      },
      {
        what: 'there is neither file nor client',
        upload: (): Upload => ({}),
        expected: invalid(['clientId', 'file']),
      },
      {
        what: 'the client does not exist',
        upload: (): Upload => ({ clientId: unknownId(), files: { file: 10 } }),
        expected: unknownReference('clientId', /unknown client/),
      },
      {
        what: 'the client is of another shop',
        upload: (): Upload => ({
          clientId: strangerClientId,
          files: { file: 10 },
        }),
        expected: unknownReference('clientId', /unknown client/),
      },
      {
        what: 'the visit is of another client',
        upload: (): Upload => ({
          clientId,
          visitId: siblingVisitId,
          files: { file: 10 },
        }),
        expected: unknownReference('visitId', /unknown visit/),
      },
      {
        what: 'the file is one byte over the limit',
        upload: (): Upload => ({ clientId, files: { file: LIMIT + 1 } }),
        expected: {
          status: 413,
          code: 'payload_too_large',
          paths: ['file'],
          messages: { file: new RegExp(`${LIMIT} bytes`) },
        },
      },
      {
        what: 'the file comes under another field name',
        upload: (): Upload => ({ clientId, files: { attachment: 10 } }),
        expected: invalid(['attachment'], { attachment: /Unexpected file/ }),
      },
    ])(
      'answers $expected.status naming $expected.paths when $what',
      async (c) => {
        await expectRefusedWithoutTrace(
          stack,
          () => upload(formOf(c.upload())),
          c.expected,
        );
      },
    );

    it('answers 404 naming shopId when the shop does not exist', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () => upload(formOf({ clientId, files: { file: 10 } }), unknownId()),
        { status: 404, code: 'not_found', paths: ['shopId'] },
      );
    });
  });

  describe('when the multipart body is malformed', () => {
    it.each([
      ['has no boundary', 'multipart/form-data', 'clientId=x'],
      [
        'ends in the middle of a part',
        'multipart/form-data; boundary=xyz',
        '--xyz\r\nContent-Disposition: form-data; name="clientId"\r\n\r\nab',
      ],
    ])(
      'answers 400 invalid_multipart when it %s',
      async (_what, type, text) => {
        await expectRefusedWithoutTrace(
          stack,
          () =>
            stack.api.post(`/v1/shops/${shopId}/documents`, Buffer.from(text), {
              headers: { 'content-type': type },
            }),
          { status: 400, code: 'invalid_multipart', paths: ['(body)'] },
        );
      },
    );
  });

  describe('when the form is valid', () => {
    it('accepts a file of exactly the limit, and the checks see the row and the file', async () => {
      const before = await snapshotStore(stack);

      const response = await upload(
        formOf({ clientId, files: { file: LIMIT } }),
      );

      expect(response.status).toBe(201);
      expect(response.data.sizeBytes).toBe(LIMIT);
      const after = await snapshotStore(stack);
      expect(after.rows.document).toBe(before.rows.document + 1);
      expect(after.documentFiles).toBe(before.documentFiles + 1);
    });
  });
});
