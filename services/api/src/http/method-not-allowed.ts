import type { Express, RequestHandler } from 'express';
import { ApiProblem } from './problem';

/** What Express's router keeps of each `use` and each route. */
interface RouterLayer {
  match(path: string): unknown;
  /** Mounted at `/`: the paths of its routes are whole paths. */
  slash: boolean;
  route?: { methods: Record<string, boolean | undefined> };
  handle: { stack?: RouterLayer[] };
}

interface KnownRoute {
  layer: RouterLayer;
  methods: string[];
}

/**
 * 405 with `Allow` for a path that has routes, but not for this method.
 * Reads the app's route table when called: register it after the last
 * route, before the 404.
 */
export function methodNotAllowed(app: Express): RequestHandler {
  const { router } = app as unknown as { router: { stack: RouterLayer[] } };
  const routes = knownRoutes(router.stack);

  return (req, res, next) => {
    const allowed = new Set(
      routes
        .filter((route) => route.layer.match(req.path) !== false)
        .flatMap((route) => route.methods),
    );
    // A route of this method that let the request through (a static file
    // that is not there) makes it a 404, not a 405.
    if (allowed.size === 0 || allowed.has(req.method)) return next();

    const allow = [...allowed].sort().join(', ');
    res.set('Allow', allow);
    throw new ApiProblem(
      405,
      'method_not_allowed',
      `${req.method} is not allowed here; this path takes ${allow}`,
    );
  };
}

function knownRoutes(stack: RouterLayer[]): KnownRoute[] {
  return stack.flatMap((layer): KnownRoute[] => {
    if (layer.route) return [{ layer, methods: methodsOf(layer.route) }];
    // Routers mounted under a prefix (the queue dashboard) have relative
    // paths; they answer their own methods.
    return layer.slash && layer.handle.stack
      ? knownRoutes(layer.handle.stack)
      : [];
  });
}

function methodsOf(route: NonNullable<RouterLayer['route']>): string[] {
  const methods = Object.keys(route.methods)
    .filter((method) => route.methods[method] && method !== '_all')
    .map((method) => method.toUpperCase());
  // Express answers HEAD with the GET route.
  return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
}
