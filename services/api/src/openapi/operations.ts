import { adminSessionBody } from '../ops/admin-dashboard';
import { overviewOperations } from '../ops/overview.routes';
import { apiKeysOperations } from '../routes/api-keys.routes';
import { campaignsOperations } from '../routes/campaigns.routes';
import { clientDataOperations } from '../routes/client-data.routes';
import { clientImportOperations } from '../routes/client-import.routes';
import { clientsOperations } from '../routes/clients.routes';
import { consentOperations } from '../routes/consent.routes';
import { creditOperations } from '../routes/credit.routes';
import { documentsOperations } from '../routes/documents.routes';
import { emailOperations } from '../routes/email.routes';
import { healthOperations } from '../routes/health.routes';
import { messagesOperations } from '../routes/messages.routes';
import { octopushWebhookOperations } from '../routes/octopush-webhooks.routes';
import { shopsOperations } from '../routes/shops.routes';
import { smsOperations } from '../routes/sms.routes';
import { suppressionOperations } from '../routes/suppression.routes';
import { templatesOperations } from '../routes/templates.routes';
import { unsubscribeOperations } from '../routes/unsubscribe.routes';
import { visitsOperations } from '../routes/visits.routes';
import type { OperationSpec } from './operation-spec';

/**
 * The routes of `ops/`, `console/` and this folder, whose routers parse
 * nothing of their own (or share their schema, as `adminSessionBody`).
 */
const OPERATIONS_AND_DOCS: OperationSpec[] = [
  {
    method: 'GET',
    path: '/v1/api-key',
    tag: 'API keys',
    summary: "The caller's own key: its shop and role, never its secret",
    answers: [{ description: 'The key' }],
  },
  {
    method: 'GET',
    path: '/console{/*screen}',
    tag: 'Console',
    summary: "The shop's web console: each screen's address gives its page",
    access: 'public',
    answers: [{ description: 'The console', content: 'html' }],
  },
  {
    method: 'GET',
    path: '/metrics',
    tag: 'Operations',
    summary: 'Prometheus metrics of the API and its queues',
    answers: [{ description: 'The Prometheus text format', content: 'text' }],
  },
  {
    method: 'POST',
    path: '/admin/session',
    tag: 'Operations',
    summary: 'Open the queue dashboard in a browser: sets the admin key cookie',
    access: 'public',
    body: adminSessionBody,
    answers: [{ status: 204, description: 'The cookie is set' }],
    problems: [401, 403],
  },
  {
    method: 'DELETE',
    path: '/admin/session',
    tag: 'Operations',
    summary: 'Clear the admin key cookie',
    access: 'public',
    answers: [{ status: 204, description: 'The cookie is cleared' }],
  },
  {
    method: 'GET',
    path: '/openapi.json',
    tag: 'Documentation',
    summary: 'This description, OpenAPI 3.1',
    access: 'public',
    answers: [{ description: 'The OpenAPI document' }],
  },
  {
    method: 'GET',
    path: '/docs',
    tag: 'Documentation',
    summary: 'This description as a browsable page',
    access: 'public',
    answers: [{ description: 'Swagger UI', content: 'html' }],
  },
];

/** Every route of the API, as `/openapi.json` describes it. */
export const API_OPERATIONS: OperationSpec[] = [
  ...healthOperations,
  ...OPERATIONS_AND_DOCS,
  ...overviewOperations,
  ...shopsOperations,
  ...apiKeysOperations,
  ...clientsOperations,
  ...clientImportOperations,
  ...consentOperations,
  ...visitsOperations,
  ...documentsOperations,
  ...suppressionOperations,
  ...clientDataOperations,
  ...templatesOperations,
  ...messagesOperations,
  ...smsOperations,
  ...emailOperations,
  ...creditOperations,
  ...campaignsOperations,
  ...octopushWebhookOperations,
  ...unsubscribeOperations,
];
