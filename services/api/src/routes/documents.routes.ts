import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler, Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { Document, documentRepository, Visit } from '@optic/db';
import type { DocumentOwner } from '@optic/db';
import { detectDocumentType } from '@optic/providers';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { decodeCursor, encodeCursor } from '../http/cursor';
import { ApiProblem } from '../http/problem';
import { check, parse } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';

const documentFields = z.strictObject({
  clientId: z.uuid(),
  visitId: z.uuid().optional(),
  type: z.string().trim().min(1).max(60).default('Autre Document'),
});

const listQuery = z.strictObject({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const uuid = z.uuid();

/** A document as the API shows it: the storage key stays inside. */
export function documentView(document: Document): Record<string, unknown> {
  const { storageKey: _key, ...visible } = document;
  return visible;
}

/**
 * Documents of a client or of one of its visits (the manual's "Documents
 * disponibles : Client / Visite"): upload, list, download. Bytes go to the
 * document store under a key it makes itself; the content type is read
 * from the bytes and must be one shops send.
 */
export function documentsRoutes(context: ApiContext): Router {
  const router = Router();
  const scoped = loadShop(context);
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: context.limits.documentBytes, files: 1, fields: 10 },
  });

  router.post(
    '/v1/shops/:shopId/documents',
    scoped,
    receiveUpload(upload.single('file'), context.limits.documentBytes),
    uploadHandler(context),
  );
  router.get(
    '/v1/shops/:shopId/clients/:clientId/documents',
    scoped,
    clientListHandler(context),
  );
  router.get(
    '/v1/shops/:shopId/visits/:visitId/documents',
    scoped,
    visitListHandler(context),
  );
  router.get(
    '/v1/shops/:shopId/documents/:documentId',
    scoped,
    async (req, res) => {
      const document = await findDocumentOr404(context, res, req.params);
      res.json(documentView(document));
    },
  );
  router.get(
    '/v1/shops/:shopId/documents/:documentId/content',
    scoped,
    contentHandler(context),
  );
  return router;
}

function uploadHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const { input, file } = parseUpload(req.body, req.file);
    const client = await findClient(context, shop.id, input.clientId);
    if (!client) {
      throw ApiProblem.unprocessable('clientId', 'unknown client of this shop');
    }
    if (input.visitId) await findVisitOf(context, client.id, input.visitId);

    const name = safeFileName(file.originalname);
    const contentType = await checkedContentType(file, name);
    const document = context.dataSource.manager.create(Document, {
      id: randomUUID(),
      shopId: shop.id,
      clientId: client.id,
      visitId: input.visitId ?? null,
      type: input.type,
      name,
      contentType,
      sizeBytes: file.size,
      storageKey: await context.documents.put(file.buffer),
      createdAt: context.clock.now(),
    });
    await context.dataSource.manager.insert(Document, document);
    res
      .status(201)
      .location(`/v1/shops/${shop.id}/documents/${document.id}`)
      .json(documentView(document));
  };
}

function clientListHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const shop = shopOf(res);
    const client = await findClient(
      context,
      shop.id,
      String(req.params.clientId),
    );
    if (!client) throw ApiProblem.notFound('client', 'clientId');
    await sendList(context, res, { clientId: client.id }, req.query);
  };
}

function visitListHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const visitId = String(req.params.visitId);
    const visit = uuid.safeParse(visitId).success
      ? await context.dataSource.manager.findOneBy(Visit, {
          id: visitId,
          shopId: shopOf(res).id,
        })
      : null;
    if (!visit) throw ApiProblem.notFound('visit', 'visitId');
    await sendList(context, res, { visitId: visit.id }, req.query);
  };
}

function contentHandler(context: ApiContext): RequestHandler {
  return async (req, res) => {
    const document = await findDocumentOr404(context, res, req.params);
    const content = await context.documents.get(document.storageKey);
    res
      .attachment(document.name)
      .type(document.contentType)
      .set({
        // Never rendered as a page of ours, whatever a browser guesses.
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Cache-Control': 'private, no-store',
      })
      .send(content);
  };
}

async function sendList(
  context: ApiContext,
  res: Response,
  owner: DocumentOwner,
  rawQuery: unknown,
): Promise<void> {
  const query = parse(listQuery, rawQuery);
  const cursor = decodeCursor(query.cursor);
  const rows = await documentRepository.list(
    context.dataSource.manager,
    shopOf(res).id,
    owner,
    cursor && { at: cursor.queuedAt, id: cursor.id },
    query.limit + 1,
  );
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  res.json({
    items: page.map(documentView),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor(last.createdAt, last.id)
        : null,
  });
}

async function findDocumentOr404(
  context: ApiContext,
  res: Response,
  params: Record<string, string | string[] | undefined>,
): Promise<Document> {
  const id = String(params.documentId);
  const document = uuid.safeParse(id).success
    ? await documentRepository.findById(
        context.dataSource.manager,
        shopOf(res).id,
        id,
      )
    : null;
  if (!document) throw ApiProblem.notFound('document', 'documentId');
  return document;
}

async function findVisitOf(
  context: ApiContext,
  clientId: string,
  visitId: string,
): Promise<Visit> {
  const visit = await context.dataSource.manager.findOneBy(Visit, {
    id: visitId,
    clientId,
  });
  if (!visit) {
    throw ApiProblem.unprocessable('visitId', 'unknown visit of this client');
  }
  return visit;
}

/** The type the bytes say, if it is one shops send, else a 415 or 422. */
async function checkedContentType(
  file: Express.Multer.File,
  name: string,
): Promise<string> {
  if (file.size === 0) {
    throw ApiProblem.unprocessable('file', 'the file is empty', 'empty_file');
  }
  const detected = await detectDocumentType(file.buffer, name);
  if (detected.ok) return detected.contentType;

  throw new ApiProblem(
    415,
    'unsupported_file_type',
    `file: ${detected.reason}`,
    [{ path: 'file', message: detected.reason }],
  );
}

/** The form's fields and its file, every bad one named in one answer. */
function parseUpload(
  body: unknown,
  file: Express.Multer.File | undefined,
): { input: z.infer<typeof documentFields>; file: Express.Multer.File } {
  const result = check(documentFields, body);
  const errors = result.ok ? [] : result.errors;
  if (!file) {
    errors.push({
      path: 'file',
      message: 'a file is required (multipart field "file")',
    });
  }
  if (!result.ok || !file) throw ApiProblem.validation(errors);
  return { input: result.data, file };
}

/**
 * Multer fails with its own errors (a limit, an unexpected part) and passes
 * on busboy's for a malformed form: all are the client's, never a 500.
 */
function receiveUpload(
  upload: RequestHandler,
  maxBytes: number,
): RequestHandler {
  return (req, res, next) => {
    upload(req, res, (error?: unknown) => {
      next(error === undefined ? undefined : uploadProblem(error, maxBytes));
    });
  };
}

function uploadProblem(error: unknown, maxBytes: number): ApiProblem {
  if (!(error instanceof multer.MulterError)) {
    return new ApiProblem(
      400,
      'invalid_multipart',
      'the request body is not a valid multipart form',
      [{ path: '(body)', message: (error as Error).message }],
    );
  }
  if (error.code === 'LIMIT_FILE_SIZE') {
    return ApiProblem.payloadTooLarge(error.field ?? 'file', maxBytes);
  }
  return ApiProblem.validation([
    { path: error.field ?? '(body)', message: error.message },
  ]);
}

/** Keeps the name shown to people, without any path or control character. */
function safeFileName(name: string): string {
  // Multer reads the name as latin1; browsers send UTF-8.
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  const base = decoded.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((c) => c >= ' ' && c !== '\u007f')
    .join('')
    .trim();
  return cleaned.slice(0, 200) || 'document';
}

const SHOP = '/v1/shops/:shopId';

/** What `/openapi.json` says of these routes. */
export const documentsOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: `${SHOP}/documents`,
    tag: 'Documents',
    summary:
      'Upload a document of a client or of a visit; its type is read from its bytes',
    upload: { fields: documentFields },
    answers: [{ status: 201, description: 'The document' }],
    problems: [413, 415, 422],
  },
  {
    method: 'GET',
    path: `${SHOP}/clients/:clientId/documents`,
    tag: 'Documents',
    summary: "A client's documents",
    query: listQuery,
    answers: [{ description: 'A page of documents and the next cursor' }],
  },
  {
    method: 'GET',
    path: `${SHOP}/visits/:visitId/documents`,
    tag: 'Documents',
    summary: "A visit's documents",
    query: listQuery,
    answers: [{ description: 'A page of documents and the next cursor' }],
  },
  {
    method: 'GET',
    path: `${SHOP}/documents/:documentId`,
    tag: 'Documents',
    summary: "A document's name, type and size",
    answers: [{ description: 'The document' }],
  },
  {
    method: 'GET',
    path: `${SHOP}/documents/:documentId/content`,
    tag: 'Documents',
    summary: 'Download a document',
    answers: [{ description: 'Its bytes, with their type', content: 'file' }],
  },
];
