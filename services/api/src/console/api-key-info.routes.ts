import { Router } from 'express';
import type { ApiKeyRecord } from '@optic/db';
import { apiKeyOf } from '../auth/authenticate';

/**
 * `GET /v1/api-key`: the caller's own key, so that a client (the console)
 * learns its shop and role from the key alone; the secret is never shown.
 */
export function apiKeyInfoRoutes(): Router {
  const router = Router();

  router.get('/v1/api-key', (_req, res) => {
    res.json(keyInfo(apiKeyOf(res)));
  });
  return router;
}

function keyInfo(key: ApiKeyRecord) {
  return {
    id: key.id,
    shopId: key.shopId,
    role: key.role,
    prefix: key.prefix,
    label: key.label,
  };
}
