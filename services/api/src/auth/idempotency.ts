import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { ApiKeyRecord } from '@optic/db';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
import { apiKeyOf } from './authenticate';

/** How long a stored answer is replayed. */
const KEEP_MS = 24 * 60 * 60 * 1000;
const HEADER = /^[\x21-\x7e]{1,255}$/;

interface StoredRequest {
  request_hash: string;
  status: string;
  response: { status: number; body: unknown; location?: string } | null;
}

/** Who an `Idempotency-Key` value belongs to, and who sent it. */
interface Claimant {
  scope: string;
  keyId: string;
}

/**
 * `Idempotency-Key` on a POST: the first request runs and its answer is
 * stored; a repeat with the same body gets that answer again, one with
 * another body 422, one while the first still runs 409. Without the header
 * the request runs as usual. Answers of 500 and above are not kept, so the
 * client may retry them. A value belongs to the shop, whichever of its keys
 * sends it (an admin key has its own values).
 */
export function idempotent(context: ApiContext): RequestHandler {
  return async (req, res, next) => {
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey === undefined) return next();
    if (!HEADER.test(idempotencyKey)) {
      throw ApiProblem.validation([
        { path: 'Idempotency-Key', message: '1 to 255 printable characters' },
      ]);
    }

    const claimant = claimantOf(apiKeyOf(res));
    const hash = requestHash(req);
    if (await claim(context, claimant, idempotencyKey, hash)) {
      recordAnswer(context, res, claimant, idempotencyKey);
      return next();
    }
    await replay(context, res, claimant.scope, idempotencyKey, hash);
  };
}

function claimantOf(key: ApiKeyRecord): Claimant {
  const scope = key.shopId === null ? `key:${key.id}` : `shop:${key.shopId}`;
  return { scope, keyId: key.id };
}

function requestHash(req: Request): string {
  return createHash('sha256')
    .update(`${req.method} ${req.originalUrl}\n`)
    .update(JSON.stringify(canonical(req.body)))
    .digest('hex');
}

/** The same JSON with every object's keys sorted: their order means nothing. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

/** Inserts the row, or takes over one older than a day; false if taken. */
async function claim(
  context: ApiContext,
  claimant: Claimant,
  idempotencyKey: string,
  hash: string,
): Promise<boolean> {
  const now = context.clock.now();
  const rows: unknown[] = await context.dataSource.query(
    `INSERT INTO idempotency_key AS k (scope, key_id, idempotency_key,
       request_hash, status, response, created_at)
     VALUES ($1, $2, $3, $4, 'in_progress', NULL, $5)
     ON CONFLICT (scope, idempotency_key) DO UPDATE
       SET key_id = EXCLUDED.key_id, request_hash = EXCLUDED.request_hash,
           status = 'in_progress', response = NULL,
           created_at = EXCLUDED.created_at
       WHERE k.created_at < $6
     RETURNING 1`,
    [
      claimant.scope,
      claimant.keyId,
      idempotencyKey,
      hash,
      now,
      new Date(now.getTime() - KEEP_MS),
    ],
  );
  return rows.length > 0;
}

/** Stores the answer before sending it, so a repeat always finds it. */
function recordAnswer(
  context: ApiContext,
  res: Response,
  claimant: Claimant,
  idempotencyKey: string,
): void {
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    const status = res.statusCode;
    const params = [claimant.scope, idempotencyKey];
    const store =
      status >= 500
        ? context.dataSource.query(
            `DELETE FROM idempotency_key
             WHERE scope = $1 AND idempotency_key = $2`,
            params,
          )
        : context.dataSource.query(
            `UPDATE idempotency_key SET status = 'done', response = $3
             WHERE scope = $1 AND idempotency_key = $2`,
            [
              ...params,
              JSON.stringify({ status, body, location: res.get('location') }),
            ],
          );
    store
      .catch((error: unknown) =>
        context.logger.error('idempotent answer not stored', {
          keyId: claimant.keyId,
          error: String(error),
        }),
      )
      .finally(() => send(body));
    return res;
  };
}

async function replay(
  context: ApiContext,
  res: Response,
  scope: string,
  idempotencyKey: string,
  hash: string,
): Promise<void> {
  const rows: StoredRequest[] = await context.dataSource.query(
    `SELECT request_hash, status, response FROM idempotency_key
     WHERE scope = $1 AND idempotency_key = $2`,
    [scope, idempotencyKey],
  );
  const stored = rows[0];
  if (!stored) throw inProgress(); // the first one failed and let go meanwhile
  if (stored.request_hash !== hash) {
    throw ApiProblem.unprocessable(
      'Idempotency-Key',
      'already used with another request',
      'idempotency_key_reused',
    );
  }
  if (stored.status !== 'done' || !stored.response) throw inProgress();

  const { status, body, location } = stored.response;
  res.set('Idempotent-Replayed', 'true');
  if (location) res.location(location);
  if (status >= 400) res.type('application/problem+json');
  res.status(status).json(body);
}

function inProgress(): ApiProblem {
  return new ApiProblem(
    409,
    'request_in_progress',
    'a request with this Idempotency-Key is still being processed',
  );
}
