import type { Request, RequestHandler, Response } from 'express';
import { findActiveApiKey, touchApiKey } from '@optic/db';
import type { ApiKeyRecord, ApiKeyRole } from '@optic/db';
import type { ApiContext } from '../api-context';
import { ApiProblem } from '../http/problem';
import { countFailedAuthentication } from './rate-limit';

/** Paths that carry their own proof (or none is needed): no API key. */
const PUBLIC_PATHS = [
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/v1\/webhooks\//,
  /^\/v1\/unsubscribe\//,
  // Checks the key it is given itself.
  /^\/admin\/session$/,
  // The console's static files; its pages call /v1 with the shop's key.
  /^\/console(\/|$)/i,
  // The API's description and its page, with the files the page loads.
  /^\/openapi\.json$/i,
  /^\/docs(\/|$)/i,
];

/** Under `/admin` a browser may send the key as this cookie instead. */
const ADMIN_COOKIE = /(?:^|;\s*)optic_admin_key=([A-Za-z0-9_-]{10,200})(?:;|$)/;

const BEARER = /^Bearer ([A-Za-z0-9_-]{10,200})$/;

/**
 * Finds the caller's key from `Authorization: Bearer <key>` and keeps it in
 * `res.locals.apiKey`; 401 without a key, with an unknown or revoked one,
 * 429 once an address fails too often (when rate limits are on). The key
 * itself is never logged.
 */
export function authenticate(context: ApiContext): RequestHandler {
  return async (req, res, next) => {
    if (PUBLIC_PATHS.some((path) => path.test(req.path))) return next();

    const presented =
      BEARER.exec(req.get('authorization') ?? '')?.[1] ??
      (req.path.startsWith('/admin/')
        ? ADMIN_COOKIE.exec(req.get('cookie') ?? '')?.[1]
        : undefined);
    const key = presented
      ? await findActiveApiKey(context.dataSource.manager, presented)
      : null;
    if (!key) {
      if (context.rateLimit) {
        await countFailedAuthentication(
          context.rateLimit,
          clientAddress(req),
          res,
        );
      }
      throw unauthorized();
    }

    await touchApiKey(context.dataSource.manager, key.id, context.clock.now());
    res.locals.apiKey = key;
    next();
  };
}

// The socket's address unless Express is told to trust a proxy's header.
function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function apiKeyOf(res: Response): ApiKeyRecord {
  const key = res.locals.apiKey as ApiKeyRecord | undefined;
  if (!key) throw unauthorized();
  return key;
}

const RANK: Record<ApiKeyRole, number> = { staff: 0, manager: 1, admin: 2 };

/** 403 unless the caller's key has at least this role. */
export function requireRole(role: ApiKeyRole): RequestHandler {
  return (_req, res, next) => {
    const key = apiKeyOf(res);
    if (RANK[key.role] < RANK[role]) {
      throw new ApiProblem(
        403,
        'forbidden',
        `this route needs ${withArticle(role)} key, the key used is ${key.role}`,
      );
    }
    next();
  };
}

function withArticle(role: ApiKeyRole): string {
  return role === 'admin' ? 'an admin' : `a ${role}`;
}

function unauthorized(): ApiProblem {
  return new ApiProblem(
    401,
    'unauthorized',
    'a valid API key is needed: Authorization: Bearer <key>',
  );
}
