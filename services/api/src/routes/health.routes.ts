import { Router } from 'express';
import { migrationsApplied } from '@optic/db';
import type { ApiContext } from '../api-context';
import type { OperationSpec } from '../openapi/operation-spec';

/** `/healthz`: the process answers. `/readyz`: Redis, Postgres, schema. */
export function healthRoutes(context: ApiContext): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const checks = {
      postgres: await probe(async () => {
        await context.dataSource.query('SELECT 1');
        return migrationsApplied(context.dataSource);
      }),
      redis: await probe(() => context.producer.ping()),
    };
    const ready = checks.postgres && checks.redis;
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : 'not_ready', checks });
  });

  return router;
}

async function probe(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await withTimeout(check(), 2000);
  } catch {
    return false;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** What `/openapi.json` says of these routes. */
export const healthOperations: OperationSpec[] = [
  {
    method: 'GET',
    path: '/healthz',
    tag: 'Operations',
    summary: 'Liveness: the process answers',
    access: 'public',
    answers: [{ description: '`{ status: "ok" }`' }],
  },
  {
    method: 'GET',
    path: '/readyz',
    tag: 'Operations',
    summary: 'Readiness: Redis, PostgreSQL and the migrations',
    access: 'public',
    answers: [
      { description: 'Ready, with each check' },
      { status: 503, description: 'Not ready, with each check' },
    ],
  },
];
