import express from 'express';
import helmet from 'helmet';
import type { Express } from 'express';
import type { ApiContext } from './api-context';
import { authenticate } from './auth/authenticate';
import { rateLimit } from './auth/rate-limit';
import { routeRoles } from './auth/route-roles';
import { apiKeyInfoRoutes } from './console/api-key-info.routes';
import { consoleRoutes } from './console/console.routes';
import { jsonBodies } from './http/json-body';
import { methodNotAllowed } from './http/method-not-allowed';
import { notFoundRoute, problemHandler } from './http/problem';
import { documentationRoutes } from './openapi/docs.routes';
import {
  adminDashboard,
  adminSessionRoutes,
  DASHBOARD_PATH,
} from './ops/admin-dashboard';
import { apiMetrics, metricsRoutes } from './ops/metrics.routes';
import { overviewRoutes } from './ops/overview.routes';
import { apiKeysRoutes } from './routes/api-keys.routes';
import { clientDataRoutes } from './routes/client-data.routes';
import { clientImportRoutes } from './routes/client-import.routes';
import { campaignsRoutes } from './routes/campaigns.routes';
import { clientsRoutes } from './routes/clients.routes';
import { consentRoutes } from './routes/consent.routes';
import { creditRoutes } from './routes/credit.routes';
import { documentsRoutes } from './routes/documents.routes';
import { emailRoutes } from './routes/email.routes';
import { healthRoutes } from './routes/health.routes';
import { messagesRoutes } from './routes/messages.routes';
import { octopushWebhookRoutes } from './routes/octopush-webhooks.routes';
import { smsRoutes } from './routes/sms.routes';
import { shopsRoutes } from './routes/shops.routes';
import { suppressionRoutes } from './routes/suppression.routes';
import { templatesRoutes } from './routes/templates.routes';
import { unsubscribeRoutes } from './routes/unsubscribe.routes';
import { visitsRoutes } from './routes/visits.routes';

/**
 * Helmet's defaults without `upgrade-insecure-requests`, for every page of
 * the API alike (console, docs, queue dashboard): they load only this
 * server's own files, so behind TLS the directive changes nothing, and
 * served over plain HTTP at a shop's LAN address it sends the browser to
 * an HTTPS port that does not exist, leaving the pages without scripts.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};

/** Ample for any request of the API; uploads have their own limits. */
const JSON_BODY_MAX_BYTES = 1024 * 1024;

/** The HTTP API: validates, persists, enqueues; never calls a provider. */
export function createApp(context: ApiContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const metrics = apiMetrics(context);
  app.use(metrics.countRequests);
  app.use(helmet(SECURITY_HEADERS));
  app.use(authenticate(context));
  if (context.rateLimit) app.use(rateLimit(context.rateLimit));
  app.use(routeRoles());
  app.use(jsonBodies(JSON_BODY_MAX_BYTES));

  app.use(healthRoutes(context));
  app.use(consoleRoutes());
  app.use(apiKeyInfoRoutes());
  app.use(metricsRoutes(metrics.registry));
  app.use(adminSessionRoutes(context));
  app.use(DASHBOARD_PATH, ...adminDashboard(context));
  app.use(overviewRoutes(context));
  app.use(shopsRoutes(context));
  app.use(apiKeysRoutes(context));
  app.use(clientsRoutes(context));
  app.use(visitsRoutes(context));
  app.use(consentRoutes(context));
  app.use(suppressionRoutes(context));
  app.use(clientDataRoutes(context));
  app.use(clientImportRoutes(context));
  app.use(templatesRoutes(context));
  app.use(documentsRoutes(context));
  app.use(creditRoutes(context));
  app.use(messagesRoutes(context));
  app.use(campaignsRoutes(context));
  app.use(smsRoutes(context));
  app.use(emailRoutes(context));
  app.use(unsubscribeRoutes(context));
  app.use(octopushWebhookRoutes(context));
  app.use(documentationRoutes());

  app.use(methodNotAllowed(app));
  app.use(notFoundRoute);
  app.use(problemHandler(context.logger));
  return app;
}
