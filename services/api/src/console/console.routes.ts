import path from 'node:path';
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { ApiProblem } from '../http/problem';

/** Where the console is served; its Vite build uses the same `base`. */
export const CONSOLE_PATH = '/console';

/** The Vite build of `services/console`, beside this workspace. */
export const CONSOLE_DIST = path.resolve(__dirname, '../../../console/dist');

/**
 * The shop's web console: static files built by Vite, and its index for
 * every screen's address (the console routes in the browser). It calls the
 * public `/v1` routes with the shop's key like any other client, so it
 * needs no key to be downloaded.
 */
export function consoleRoutes(distDir = CONSOLE_DIST): Router {
  const router = Router();

  // File names under assets/ carry a hash of their content.
  router.use(
    `${CONSOLE_PATH}/assets`,
    express.static(path.join(distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
  );
  router.use(CONSOLE_PATH, express.static(distDir, { index: false }));
  router.get(`${CONSOLE_PATH}{/*screen}`, sendIndex(distDir));
  return router;
}

function sendIndex(distDir: string): RequestHandler {
  return (req, res, next) => {
    // A missing file keeps its 404 rather than getting the page's HTML.
    if (path.extname(req.path) !== '') return next();

    res.sendFile(
      path.join(distDir, 'index.html'),
      { headers: { 'Cache-Control': 'no-cache' } },
      (error?: NodeJS.ErrnoException) => {
        if (!error || res.headersSent) return;
        next(error.code === 'ENOENT' ? notBuilt() : error);
      },
    );
  };
}

function notBuilt(): ApiProblem {
  return new ApiProblem(
    503,
    'console_not_built',
    'the console is not built: run npm run build -w @optic/console',
  );
}
