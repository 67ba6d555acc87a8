import type { RequestHandler } from 'express';
import type { ApiKeyRole } from '@optic/db';
import { requireRole } from './authenticate';

/** A route that needs more than a staff key, written as in its router. */
export interface RouteRole {
  method: string;
  path: string;
  role: ApiKeyRole;
}

const SHOP = '/v1/shops/:shopId';

/**
 * Every route above `staff`, in one list so that a review sees them all.
 * Staff send, read the history, the clients, the templates and the credit;
 * managers also own templates, settings, credit purchases, campaigns, keys,
 * imports, erasure and suppression removals; only admins create and list
 * shops and read `/metrics` and the overview (the queue dashboard checks its
 * own role: it has many paths under `/admin/queues`).
 */
export const ROUTE_ROLES: RouteRole[] = [
  { method: 'POST', path: '/v1/shops', role: 'admin' },
  { method: 'GET', path: '/v1/shops', role: 'admin' },
  { method: 'GET', path: '/metrics', role: 'admin' },
  { method: 'GET', path: '/v1/admin/overview', role: 'admin' },
  ...['POST', 'GET'].map((method) => manager(method, '/api-keys')),
  manager('DELETE', '/api-keys/:keyId'),
  manager('POST', '/templates'),
  manager('PATCH', '/templates/:templateId'),
  manager('DELETE', '/templates/:templateId'),
  manager('PATCH', '/sms/settings'),
  manager('GET', '/email/settings'),
  manager('PATCH', '/email/settings'),
  manager('POST', '/email/settings/verify'),
  manager('POST', '/credit/purchases'),
  manager('POST', '/campaigns'),
  manager('GET', '/campaigns'),
  manager('GET', '/campaigns/:campaignId'),
  manager('GET', '/campaigns/:campaignId/preview'),
  ...['launch', 'pause', 'resume', 'cancel', 'retry-failed'].map((action) =>
    manager('POST', `/campaigns/:campaignId/${action}`),
  ),
  manager('DELETE', '/suppressions/:suppressionId'),
  manager('POST', '/clients/import'),
  manager('DELETE', '/clients/:clientId'),
];

function manager(method: string, path: string): RouteRole {
  return { method, path: `${SHOP}${path}`, role: 'manager' };
}

/**
 * Express's `:name` segments as a regular expression of the whole path;
 * like Express, it ignores case and a trailing slash.
 */
export function routePattern(path: string): RegExp {
  const segments = path
    .split('/')
    .map((s) =>
      s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    );
  return new RegExp(`^${segments.join('/')}/?$`, 'i');
}

/** Applies ROUTE_ROLES before routing: 403 for a key whose role is too low. */
export function routeRoles(rules = ROUTE_ROLES): RequestHandler {
  const compiled = rules.map((rule) => ({
    ...rule,
    pattern: routePattern(rule.path),
    check: requireRole(rule.role),
  }));
  return (req, res, next) => {
    const rule = compiled.find(
      (r) => r.method === req.method && r.pattern.test(req.path),
    );
    if (!rule) return next();
    rule.check(req, res, next);
  };
}
