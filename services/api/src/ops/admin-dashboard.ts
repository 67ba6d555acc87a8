import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { findActiveApiKey } from '@optic/db';
import type { ApiContext } from '../api-context';
import { requireRole } from '../auth/authenticate';
import { ApiProblem } from '../http/problem';
import { parse } from '../http/validate';
import { contextQueues } from './context-queues';

export const DASHBOARD_PATH = '/admin/queues';
/** The cookie a browser sends instead of a bearer header, under `/admin`. */
export const ADMIN_COOKIE = 'optic_admin_key';

export const adminSessionBody = z.strictObject({
  key: z.string().min(10).max(200),
});

/**
 * The BullMQ dashboard of every queue, for admin keys only. Mounted behind
 * a plain function so that its internal routes stay out of the API's route
 * table (they are the dashboard's, not the API's).
 */
export function adminDashboard(context: ApiContext): RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: contextQueues(context).map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
  });
  const board = serverAdapter.getRouter() as RequestHandler;
  return [requireRole('admin'), (req, res, next) => board(req, res, next)];
}

/**
 * `POST /admin/session` `{ key }`: checks an admin key and sets it as an
 * HttpOnly, SameSite=Strict cookie limited to `/admin`, so that a browser
 * can open the dashboard. `DELETE` clears it.
 */
export function adminSessionRoutes(context: ApiContext): Router {
  const router = Router();
  router.post('/admin/session', async (req, res) => {
    const { key } = parse(adminSessionBody, req.body);
    const found = await findActiveApiKey(context.dataSource.manager, key);
    if (!found) {
      throw new ApiProblem(401, 'unauthorized', 'unknown or revoked key');
    }
    if (found.role !== 'admin') {
      throw new ApiProblem(
        403,
        'forbidden',
        'the dashboard needs an admin key',
      );
    }
    res.cookie(ADMIN_COOKIE, key, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/admin',
      maxAge: 8 * 3600 * 1000,
    });
    res.status(204).end();
  });
  router.delete('/admin/session', (_req, res) => {
    res.clearCookie(ADMIN_COOKIE, { path: '/admin' });
    res.status(204).end();
  });
  return router;
}
