import type { RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import type { ApiKeyRecord } from '@optic/db';
import { ApiProblem } from '../http/problem';

export interface RateLimitSettings {
  /** The producer's connection: one counter per key and window. */
  redis: Redis;
  /** Namespace of the counters, e.g. the queue prefix. */
  prefix: string;
  /** Sustained requests per second of one key. @defaultValue 20 */
  perSecond: number;
  /**
   * Length of the fixed window: a key may spend `perSecond × windowSeconds`
   * requests anywhere in it, which is its burst. @defaultValue 10
   */
  windowSeconds: number;
}

/**
 * Failed authentications allowed from one client address: 20 a second,
 * 60 at once. A person mistyping a key never reaches it; a scanner or a
 * client looping on a revoked key is slowed down and told so.
 */
const FAILED_AUTH = { perSecond: 20, windowSeconds: 3 };

interface Window {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Seconds until the window ends, at least 1. */
  retryAfter: number;
}

/**
 * A fixed-window counter per API key in Redis; 429 with `Retry-After` once
 * the window's allowance is spent. Runs after `authenticate`.
 */
export function rateLimit(settings: RateLimitSettings): RequestHandler {
  const allowance = settings.perSecond * settings.windowSeconds;

  return async (_req, res, next) => {
    const key = res.locals.apiKey as ApiKeyRecord | undefined;
    if (!key) return next();

    const name = `${settings.prefix}:rate:${key.id}`;
    const window = await countRequest(settings.redis, name, settings);
    if (window.count > allowance) {
      throw tooMany(
        res,
        window,
        `more than ${allowance} requests in ${settings.windowSeconds} s with this key`,
      );
    }
    next();
  };
}

/**
 * Counts a failed authentication from `address`; throws the 429 (instead
 * of the 401) once the address is past its allowance. A valid key is never
 * refused here: behind a proxy many shops may share one address.
 */
export async function countFailedAuthentication(
  settings: RateLimitSettings,
  address: string,
  res: Response,
): Promise<void> {
  const allowance = FAILED_AUTH.perSecond * FAILED_AUTH.windowSeconds;
  const name = `${settings.prefix}:rate:auth-failed:${address}`;
  const window = await countRequest(settings.redis, name, FAILED_AUTH);
  if (window.count > allowance) {
    throw tooMany(
      res,
      window,
      `more than ${allowance} failed authentications in ${FAILED_AUTH.windowSeconds} s from this address`,
    );
  }
}

async function countRequest(
  redis: Redis,
  name: string,
  { windowSeconds }: { windowSeconds: number },
): Promise<Window> {
  const windowMs = windowSeconds * 1000;
  const now = Date.now();
  const index = Math.floor(now / windowMs);
  const counter = `${name}:${index}`;
  const replies = await redis
    .multi()
    .incr(counter)
    .pexpire(counter, windowMs + 1000)
    .exec();
  const retryAfter = Math.ceil(((index + 1) * windowMs - now) / 1000);
  return {
    count: Number(replies?.[0]?.[1] ?? 0),
    retryAfter: Math.max(1, retryAfter),
  };
}

function tooMany(res: Response, window: Window, title: string): ApiProblem {
  res.set('Retry-After', String(window.retryAfter));
  return new ApiProblem(429, 'rate_limited', title);
}
