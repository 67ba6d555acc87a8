import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { Document, Visit } from '@optic/db';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
import { check } from '../http/validate';
import { findClient } from './clients.routes';
import { loadShop, shopOf } from './shop-scope';

const documentFields = z.strictObject({
  clientId: z.uuid(),
  visitId: z.uuid().optional(),
  type: z.string().trim().min(1).max(60).default('Autre Document'),
});

/** A document as the API shows it: the storage key stays inside. */
export function documentView(document: Document): Record<string, unknown> {
  const { storageKey: _key, ...visible } = document;
  return visible;
}

export function documentsRoutes(context: ApiContext): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: context.limits.documentBytes, files: 1, fields: 10 },
  });

  router.post(
    '/v1/shops/:shopId/documents',
    loadShop(context),
    receiveUpload(upload.single('file'), context.limits.documentBytes),
    async (req, res) => {
      const shop = shopOf(res);
      const { input, file } = parseUpload(req.body, req.file);

      const client = await findClient(context, shop.id, input.clientId);
      if (!client)
        throw ApiProblem.unprocessable(
          'clientId',
          'unknown client of this shop',
        );
      if (input.visitId) {
        const visit = await context.dataSource.manager.findOneBy(Visit, {
          id: input.visitId,
          clientId: client.id,
        });
        if (!visit)
          throw ApiProblem.unprocessable(
            'visitId',
            'unknown visit of this client',
          );
      }

      const document = context.dataSource.manager.create(Document, {
        id: randomUUID(),
        shopId: shop.id,
        clientId: client.id,
        visitId: input.visitId ?? null,
        type: input.type,
        name: safeFileName(file.originalname),
        contentType: file.mimetype || 'application/octet-stream',
        sizeBytes: file.size,
        storageKey: await context.documents.put(file.buffer),
        createdAt: context.clock.now(),
      });
      await context.dataSource.manager.insert(Document, document);
      res.status(201).json(documentView(document));
    },
  );

  return router;
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
    return ApiProblem.unprocessable(
      error.field ?? 'file',
      `the file is larger than the ${maxBytes} bytes allowed`,
      'file_too_large',
    );
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
