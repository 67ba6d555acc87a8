import { Router } from 'express';
import type { RequestHandler } from 'express';
import { Counter } from 'prom-client';
import type { Registry } from 'prom-client';
import { createMetricsRegistry, registerQueueDepth } from '@optic/delivery';
import type { ApiContext } from '../api-context';
import { contextQueues } from './context-queues';
import { registerOverviewGauges } from './overview-metrics';

/**
 * The API's registry: Node's metrics, queue depth, HTTP requests, shops
 * low on credit and the oldest waiting job of each queue.
 */
export function apiMetrics(context: ApiContext): {
  registry: Registry;
  countRequests: RequestHandler;
} {
  const registry = createMetricsRegistry({ process: 'api' });
  registerQueueDepth(registry, contextQueues(context));
  registerOverviewGauges(registry, context);
  const requests = new Counter({
    name: 'optic_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });

  // The route's pattern, never the path: paths carry ids.
  const countRequests: RequestHandler = (req, res, next) => {
    res.on('finish', () => {
      const pattern: unknown = (req.route as { path?: unknown } | undefined)
        ?.path;
      requests.inc({
        method: req.method,
        route: typeof pattern === 'string' ? pattern : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  };
  return { registry, countRequests };
}

/** `GET /metrics`: the Prometheus text format, for an admin key. */
export function metricsRoutes(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
