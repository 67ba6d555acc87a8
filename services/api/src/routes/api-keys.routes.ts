import { Router } from 'express';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '@optic/db';
import type { ApiKeyRecord } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';
import { requireRole } from '../auth/authenticate';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { loadShop, shopOf } from './shop-scope';

const createKey = z.strictObject({
  // Admin keys span every shop: only `npm run create-admin-key` makes them.
  role: z.enum(['staff', 'manager']),
  label: z.string().trim().max(100).default(''),
});

const keyId = z.uuid();

/** A shop's API keys: the secret is answered once, at creation. */
export function apiKeysRoutes(context: ApiContext): Router {
  const router = Router();
  const base = '/v1/shops/:shopId/api-keys';
  const guarded = [loadShop(context), requireRole('manager')];

  router.post(base, ...guarded, async (req, res) => {
    const input = parse(createKey, req.body);
    const created = await createApiKey(
      context.dataSource.manager,
      { shopId: shopOf(res).id, ...input },
      context.clock.now(),
    );
    res
      .status(201)
      .location(`/v1/shops/${created.shopId}/api-keys/${created.id}`)
      .json({ ...keyView(created), key: created.key });
  });

  router.get(base, ...guarded, async (_req, res) => {
    const keys = await listApiKeys(context.dataSource.manager, shopOf(res).id);
    res.json({ items: keys.map(keyView) });
  });

  router.delete(`${base}/:keyId`, ...guarded, async (req, res) => {
    const id = String(req.params.keyId);
    const revoked = keyId.safeParse(id).success
      ? await revokeApiKey(
          context.dataSource.manager,
          shopOf(res).id,
          id,
          context.clock.now(),
        )
      : null;
    if (!revoked) throw ApiProblem.notFound('API key', 'keyId');
    res.status(204).end();
  });

  return router;
}

function keyView(key: ApiKeyRecord) {
  return {
    id: key.id,
    role: key.role,
    prefix: key.prefix,
    label: key.label,
    createdAt: key.createdAt,
    revokedAt: key.revokedAt,
    lastUsedAt: key.lastUsedAt,
  };
}

const KEYS = '/v1/shops/:shopId/api-keys';

/** What `/openapi.json` says of these routes. */
export const apiKeysOperations: OperationSpec[] = [
  {
    method: 'POST',
    path: KEYS,
    tag: 'API keys',
    summary: 'Create a staff or manager key',
    body: createKey,
    answers: [
      { status: 201, description: 'The key, with its secret: shown only once' },
    ],
  },
  {
    method: 'GET',
    path: KEYS,
    tag: 'API keys',
    summary: "List the shop's keys, without their secrets",
    answers: [{ description: 'The keys' }],
  },
  {
    method: 'DELETE',
    path: `${KEYS}/:keyId`,
    tag: 'API keys',
    summary: 'Revoke a key',
    answers: [{ status: 204, description: 'Revoked' }],
  },
];
