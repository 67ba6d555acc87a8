import type { Readable } from 'node:stream';
import { Router } from 'express';
import type { Request, RequestHandler } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { importClients } from '../import/import-clients';
import type { ClientImportReport } from '../import/import-clients';
import type { TextEncoding } from '../import/csv-text';
import { loadShop, shopOf } from './shop-scope';

/** Largest CSV accepted; the file is streamed, so this bounds time, not memory. */
const IMPORT_MAX_BYTES = 200 * 1024 * 1024;

const ENCODING_NAMES: Record<string, TextEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
};

const importQuery = z.strictObject({
  actor: z.string().trim().min(1).max(100).default('system'),
  encoding: z
    .string()
    .transform((name) => name.toLowerCase())
    .pipe(z.enum(Object.keys(ENCODING_NAMES) as [string, ...string[]]))
    .optional(),
});

const CSV_TYPES = ['text/csv', 'application/csv', 'text/plain'];

/**
 * `POST …/clients/import`: a CSV as a multipart `file`, or as the body
 * (`text/csv`). Answers once the whole file is imported.
 */
export function clientImportRoutes(context: ApiContext): Router {
  const router = Router();

  router.post(
    '/v1/shops/:shopId/clients/import',
    loadShop(context),
    async (req, res, next) => {
      parse(importQuery, req.query);
      if (req.is('multipart/form-data')) return next();
      if (!req.is(CSV_TYPES)) {
        throw new ApiProblem(
          415,
          'unsupported_media_type',
          'send the CSV as text/csv or as the multipart field "file"',
          [
            {
              path: '(body)',
              message: `not a CSV: ${req.get('content-type') ?? 'no content type'}`,
            },
          ],
        );
      }
      const report = await runImport(context, req, req, charsetOf(req));
      res.json(report);
    },
    receiveCsvFile(context),
    (req, res) => {
      const file = req.file as
        (Express.Multer.File & { report?: ClientImportReport }) | undefined;
      if (!file?.report) {
        throw ApiProblem.validation([
          {
            path: 'file',
            message: 'a file is required (multipart field "file")',
          },
        ]);
      }
      res.json(file.report);
    },
  );

  return router;
}

function runImport(
  context: ApiContext,
  req: Request,
  body: Readable,
  charset: string | undefined,
): Promise<ClientImportReport> {
  const query = parse(importQuery, req.query);
  const named = query.encoding ?? charset;
  return importClients(context.dataSource, shopOf(req.res!), limited(body), {
    encoding: named ? ENCODING_NAMES[named] : undefined,
    actor: query.actor,
    now: context.clock.now(),
  });
}

function charsetOf(req: Request): string | undefined {
  const match = /charset=["']?([\w-]+)/i.exec(req.get('content-type') ?? '');
  const charset = match?.[1]?.toLowerCase();
  if (charset && !ENCODING_NAMES[charset]) {
    throw new ApiProblem(
      415,
      'unsupported_charset',
      `charset ${charset} is not read; send UTF-8 or Windows-1252`,
      [{ path: '(body)', message: `charset ${charset} is not read` }],
    );
  }
  return charset;
}

/**
 * The bytes of the upload; a body cut by the size limit fails the import
 * (and so rolls it back) rather than importing what came before the cut.
 */
async function* limited(
  body: Readable & { truncated?: boolean },
): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    // Not destroyed when the import stops early: the rest of the upload is
    // drained instead, so the answer is the import's problem rather than a
    // broken connection.
    for await (const chunk of body.iterator({ destroyOnReturn: false })) {
      size += (chunk as Buffer).length;
      if (size > IMPORT_MAX_BYTES) throw tooLarge();
      yield chunk as Buffer;
    }
    if (body.truncated) throw tooLarge();
  } finally {
    if (!body.readableEnded) body.resume();
  }
}

function tooLarge(): ApiProblem {
  return ApiProblem.payloadTooLarge('file', IMPORT_MAX_BYTES);
}

/**
 * Multer with a storage engine that imports the file as it streams in:
 * nothing is buffered or written to disk. Problems from the import pass
 * through as they are; multer's and busboy's own become 4xx.
 */
function receiveCsvFile(context: ApiContext): RequestHandler {
  const importErrors = new WeakSet<object>();
  const storage: multer.StorageEngine = {
    _handleFile(req, file, callback) {
      runImport(context, req as Request, file.stream, undefined).then(
        (report) => callback(null, { report } as Partial<Express.Multer.File>),
        (error: Error) => {
          importErrors.add(error);
          callback(error);
        },
      );
    },
    _removeFile(_req, _file, callback) {
      callback(null);
    },
  };
  const upload = multer({
    storage,
    limits: { fileSize: IMPORT_MAX_BYTES, files: 1, fields: 10 },
  }).single('file');

  return (req, res, next) => {
    upload(req, res, (error?: unknown) => {
      if (error === undefined) return next();
      next(importErrors.has(error as object) ? error : uploadProblem(error));
    });
  };
}

function uploadProblem(error: unknown): unknown {
  if (error instanceof ApiProblem) return error;
  if (error instanceof multer.MulterError) {
    return error.code === 'LIMIT_FILE_SIZE'
      ? tooLarge()
      : ApiProblem.validation([
          { path: error.field ?? '(body)', message: error.message },
        ]);
  }
  return new ApiProblem(
    400,
    'invalid_multipart',
    'the request body is not a valid multipart form',
    [{ path: '(body)', message: (error as Error).message }],
  );
}

/** What `/openapi.json` says of this route. */
export const clientImportOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: '/v1/shops/:shopId/clients/import',
    tag: 'Clients',
    summary:
      'Import clients from a CSV (`;` or `,`, UTF-8 or Windows-1252), matched by `id_client`',
    query: importQuery,
    upload: { csv: true },
    answers: [{ description: 'Lines created, updated and refused, and why' }],
    problems: [413, 415, 422],
  },
];
