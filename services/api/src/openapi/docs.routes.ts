import { dirname, join } from 'node:path';
import { Router } from 'express';
import type { RequestHandler } from 'express';
import { buildOpenApiDocument } from './openapi-document';
import type { OpenApiDocument } from './openapi-document';
import { API_OPERATIONS } from './operations';

/** Where the files the page loads are served; public, like the page. */
const DOCS_ASSETS_PATH = '/docs/assets';

const SWAGGER_UI = dirname(require.resolve('swagger-ui-dist/package.json'));
const OWN_ASSETS = join(__dirname, 'assets');

/**
 * Only the files the page loads: the package also ships a demo page whose
 * script fetches a description from the internet.
 */
const ASSETS = new Map([
  ['swagger-ui.css', join(SWAGGER_UI, 'swagger-ui.css')],
  ['swagger-ui-bundle.js', join(SWAGGER_UI, 'swagger-ui-bundle.js')],
  ['favicon-32x32.png', join(SWAGGER_UI, 'favicon-32x32.png')],
  ['docs-init.js', join(OWN_ASSETS, 'docs-init.js')],
]);

/**
 * `GET /openapi.json`, the API's description, and `GET /docs`, Swagger UI
 * rendering it from files of this machine (no CDN): both public.
 */
export function documentationRoutes(): Router {
  const router = Router();

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/docs', (_req, res) => {
    res.sendFile(join(OWN_ASSETS, 'docs.html'));
  });
  router.use(DOCS_ASSETS_PATH, docsAssets());
  return router;
}

let built: OpenApiDocument | undefined;

/**
 * Built on first use, once per process: the operations never change, and
 * an app that is never asked for it (most tests) does not pay for it.
 */
function openApiDocument(): OpenApiDocument {
  built ??= buildOpenApiDocument(API_OPERATIONS);
  return built;
}

/** A plain handler, not a route: the files are the page's, not the API's. */
function docsAssets(): RequestHandler {
  return (req, res, next) => {
    const file = ASSETS.get(req.path.slice(1));
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return next();
    }
    res.sendFile(file, { maxAge: '1h' });
  };
}
