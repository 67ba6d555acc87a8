import type { RequestHandler } from 'express';

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/** A body the sandbox will not read. */
export class UnreadableBodyError extends Error {
  override readonly name = 'UnreadableBodyError';
}

/**
 * Parses a JSON body into `req.body`, leaving it undefined for another
 * content type. Written out because body-parser's per-request work halved
 * the send endpoint's throughput.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return (req, _res, next) => {
    if (!JSON_TYPE.test(req.headers['content-type'] ?? '')) return next();

    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;

    req.on('data', (chunk: Buffer) => {
      size += chunk.length;

      if (size <= limitBytes) chunks.push(chunk);
      else if (!failed) fail(new UnreadableBodyError('Body too large'));
    });
    req.on('end', () => {
      if (!failed) parse(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => fail(error));

    function parse(text: string): void {
      try {
        req.body = JSON.parse(text);
      } catch (error) {
        return fail(new UnreadableBodyError('Invalid JSON', { cause: error }));
      }

      next();
    }

    function fail(error: Error): void {
      failed = true;
      next(error);
    }
  };
}
