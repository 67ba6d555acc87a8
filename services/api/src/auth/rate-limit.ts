import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { ApiProblem } from '../http/problem';
import { apiKeyOf } from './authenticate';

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
 * A fixed-window counter per API key in Redis; 429 with `Retry-After` once
 * the window's allowance is spent. Runs after `authenticate`.
 */
export function rateLimit(settings: RateLimitSettings): RequestHandler {
  const windowMs = settings.windowSeconds * 1000;
  const allowance = settings.perSecond * settings.windowSeconds;

  return async (req, res, next) => {
    if (!res.locals.apiKey) return next();

    const now = Date.now();
    const window = Math.floor(now / windowMs);
    const counter = `${settings.prefix}:rate:${apiKeyOf(res).id}:${window}`;
    const replies = await settings.redis
      .multi()
      .incr(counter)
      .pexpire(counter, windowMs + 1000)
      .exec();
    const count = Number(replies?.[0]?.[1] ?? 0);

    if (count > allowance) {
      const retryAfter = Math.ceil(((window + 1) * windowMs - now) / 1000);
      res.set('Retry-After', String(Math.max(1, retryAfter)));
      throw new ApiProblem(
        429,
        'rate_limited',
        `more than ${allowance} requests in ${settings.windowSeconds} s with this key`,
      );
    }
    next();
  };
}
