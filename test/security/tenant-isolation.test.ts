import type { AxiosInstance } from 'axios';
import {
  buyCredits,
  createClient,
  createShop,
  sendMessage,
} from '../support/api-fixtures';
import { createVisit, FILES, uploadOk } from '../email/email-support';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  clientWithKey,
  createShopKey,
  routeTable,
  storeDigest,
} from './security-support';

/** How to call a route; `public` routes carry their own proof or none. */
interface Probe {
  body?: unknown;
  public?: true;
}

const SHOP = '/v1/shops/:shopId';
const removal = { reason: 'asked by the client', actor: 'Julie' };

/**
 * Every route of the application. A new route fails the test until it is
 * added here, with what it needs to reach its shop check.
 */
const MATRIX: Record<string, Probe> = {
  'GET /healthz': { public: true },
  'GET /readyz': { public: true },
  // Checks the key in its body itself; the dashboard answers 401/403 (test/ops).
  'POST /admin/session': { public: true },
  'DELETE /admin/session': { public: true },
  'GET /metrics': {},
  'GET /v1/admin/overview': {},
  // The console's static pages; they call the routes below with a key.
  'GET /console{/*screen}': { public: true },
  'GET /v1/api-key': {},
  'POST /v1/webhooks/octopush/receipts': { public: true },
  'POST /v1/webhooks/octopush/replies': { public: true },
  'POST /v1/webhooks/octopush/stops': { public: true },
  'GET /v1/unsubscribe/:token': { public: true },
  'POST /v1/unsubscribe/:token': { public: true },
  // The API's description and its page.
  'GET /openapi.json': { public: true },
  'GET /docs': { public: true },
  'POST /v1/shops': { body: { name: 'Intrus' } },
  'GET /v1/shops': {},
  [`GET ${SHOP}`]: {},
  [`POST ${SHOP}/api-keys`]: { body: { role: 'manager' } },
  [`GET ${SHOP}/api-keys`]: {},
  [`DELETE ${SHOP}/api-keys/:keyId`]: {},
  [`POST ${SHOP}/clients`]: { body: { lastName: 'Intrus' } },
  [`GET ${SHOP}/clients`]: {},
  [`GET ${SHOP}/clients/:clientId`]: {},
  [`PATCH ${SHOP}/clients/:clientId`]: { body: { lastName: 'Intrus' } },
  [`DELETE ${SHOP}/clients/:clientId`]: {},
  [`GET ${SHOP}/clients/:clientId/export`]: {},
  [`POST ${SHOP}/clients/import`]: { body: {} },
  [`GET ${SHOP}/clients/:clientId/consent`]: {},
  [`POST ${SHOP}/clients/:clientId/consent`]: {
    body: { channel: 'sms', granted: false, source: 'in_shop', actor: 'X' },
  },
  [`POST ${SHOP}/visits`]: { body: {} },
  [`GET ${SHOP}/clients/:clientId/visits`]: {},
  [`GET ${SHOP}/visits/:visitId`]: {},
  [`PATCH ${SHOP}/visits/:visitId`]: { body: { status: 'delivered' } },
  [`GET ${SHOP}/clients/:clientId/visits/:visitId`]: {},
  [`PATCH ${SHOP}/clients/:clientId/visits/:visitId`]: {
    body: { status: 'delivered' },
  },
  [`GET ${SHOP}/suppressions`]: {},
  [`POST ${SHOP}/suppressions`]: {
    body: { channel: 'sms', address: '06 99 99 99 99', actor: 'X' },
  },
  [`GET ${SHOP}/suppressions/removals`]: {},
  [`DELETE ${SHOP}/suppressions/:suppressionId`]: { body: removal },
  [`GET ${SHOP}/templates`]: {},
  [`POST ${SHOP}/templates`]: { body: {} },
  [`GET ${SHOP}/templates/:templateId`]: {},
  [`PATCH ${SHOP}/templates/:templateId`]: { body: { name: 'Intrus' } },
  [`DELETE ${SHOP}/templates/:templateId`]: {},
  [`POST ${SHOP}/documents`]: { body: {} },
  [`GET ${SHOP}/clients/:clientId/documents`]: {},
  [`GET ${SHOP}/visits/:visitId/documents`]: {},
  [`GET ${SHOP}/documents/:documentId`]: {},
  [`GET ${SHOP}/documents/:documentId/content`]: {},
  [`POST ${SHOP}/credit/purchases`]: { body: { credits: 10 } },
  [`GET ${SHOP}/credit`]: {},
  [`GET ${SHOP}/credit/ledger`]: {},
  [`POST ${SHOP}/messages`]: { body: {} },
  [`GET ${SHOP}/messages`]: {},
  [`GET ${SHOP}/messages/stats`]: {},
  [`GET ${SHOP}/messages/:messageId`]: {},
  [`POST ${SHOP}/messages/:messageId/cancel`]: { body: {} },
  [`POST ${SHOP}/campaigns`]: { body: {} },
  [`GET ${SHOP}/campaigns`]: {},
  [`GET ${SHOP}/campaigns/:campaignId`]: {},
  [`GET ${SHOP}/campaigns/:campaignId/preview`]: {},
  [`POST ${SHOP}/campaigns/:campaignId/launch`]: { body: {} },
  [`POST ${SHOP}/campaigns/:campaignId/pause`]: { body: {} },
  [`POST ${SHOP}/campaigns/:campaignId/resume`]: { body: {} },
  [`POST ${SHOP}/campaigns/:campaignId/cancel`]: { body: {} },
  [`POST ${SHOP}/campaigns/:campaignId/retry-failed`]: { body: {} },
  [`POST ${SHOP}/sms/preview`]: { body: { text: 'Bonjour' } },
  [`PATCH ${SHOP}/sms/settings`]: { body: { smsSender: 'Intrus' } },
  [`GET ${SHOP}/sms/replies`]: {},
  [`POST ${SHOP}/email/preview`]: { body: {} },
  [`GET ${SHOP}/email/settings`]: {},
  [`PATCH ${SHOP}/email/settings`]: { body: {} },
  [`POST ${SHOP}/email/settings/verify`]: { body: {} },
};

describe('tenant isolation', () => {
  let stack: TestStack;
  let shopA: string;
  let ids: Record<string, string>;
  let keyOfA: AxiosInstance;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopA = await createShop(stack.api, { name: 'Optique A' });
    ids = await seedShopB(stack);
    keyOfA = clientWithKey(
      stack,
      (await createShopKey(stack, shopA, 'manager')).key,
    );
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('has a probe for every route of the application, and no stale one', () => {
    const routes = routeTable(stack.app).map((r) => `${r.method} ${r.path}`);

    expect([...new Set(routes)].sort()).toEqual(Object.keys(MATRIX).sort());
  });

  it('answers 404 to a key of shop A for every route of shop B, writing nothing', async () => {
    const before = await storeDigest(stack);
    const answers: Record<string, number> = {};

    for (const [route, probe] of shopRoutes()) {
      const response = await call(keyOfA, route, ids, probe);
      answers[route] = response.status;
    }

    expect(answers).toEqual(mapValues(answers, 404));
    expect(await storeDigest(stack)).toEqual(before);
  });

  it("answers 404 to a key of shop A for shop B's resources under shop A", async () => {
    const before = await storeDigest(stack);
    const answers: Record<string, number> = {};
    const mixed = { ...ids, shopId: shopA };

    for (const [route, probe] of shopRoutes()) {
      if (!/:(?!shopId)\w+/.test(route)) continue;
      answers[route] = (await call(keyOfA, route, mixed, probe)).status;
    }

    expect(Object.keys(answers).length).toBeGreaterThan(25);
    expect(answers).toEqual(mapValues(answers, 404));
    expect(await storeDigest(stack)).toEqual(before);
  });

  it('refuses the routes outside any shop to a shop key: 403, or 401 without a key', async () => {
    const before = await storeDigest(stack);
    const anonymous = clientWithKey(stack, 'oc_not-a-key-0123456789');

    expect(
      (await call(keyOfA, 'POST /v1/shops', ids, { body: { name: 'Intrus' } }))
        .status,
    ).toBe(403);
    for (const [route, probe] of [
      ...shopRoutes(),
      ['POST /v1/shops', {}] as const,
    ]) {
      expect([
        route,
        (await call(anonymous, route, ids, probe)).status,
      ]).toEqual([route, 401]);
    }
    expect(await storeDigest(stack)).toEqual(before);
  });
});

function shopRoutes(): [string, Probe][] {
  return Object.entries(MATRIX).filter(([route]) => route.includes(SHOP));
}

async function call(
  api: AxiosInstance,
  route: string,
  params: Record<string, string>,
  probe: Probe,
) {
  const [method, pattern = ''] = route.split(' ');
  const url = pattern.replace(/:(\w+)/g, (_, name: string) => {
    if (!params[name]) throw new Error(`no id for :${name} in ${route}`);
    return params[name];
  });
  return api.request({ method, url, data: probe.body });
}

function mapValues(
  record: Record<string, number>,
  value: number,
): Record<string, number> {
  return Object.fromEntries(Object.keys(record).map((k) => [k, value]));
}

/** Shop B with one of everything, made by the admin key. */
async function seedShopB(stack: TestStack): Promise<Record<string, string>> {
  const api = stack.api;
  const shopId = await createShop(api, { name: 'Optique B' });
  await buyCredits(api, shopId, 50);
  const clientId = await createClient(api, shopId);
  const visitId = await createVisit(stack, shopId, clientId);
  const documentId = await uploadOk(stack, shopId, {
    clientId,
    visitId,
    type: 'Facture',
    name: 'facture.pdf',
    content: FILES.pdf,
  });
  const messageId = await sendMessage(api, shopId, {
    channel: 'sms',
    clientId,
    body: 'Vos lunettes sont prêtes',
  });
  const template = await api.post(`/v1/shops/${shopId}/templates`, {
    channel: 'sms',
    label: 'Prêtes',
    body: 'Bonjour %prenom, vos lunettes sont prêtes',
  });
  const campaign = await api.post(`/v1/shops/${shopId}/campaigns`, {
    name: 'Renouvellement',
    templateId: template.data.id,
    audience: { all: true },
  });
  const suppression = await api.post(`/v1/shops/${shopId}/suppressions`, {
    channel: 'sms',
    address: '06 11 22 33 44',
    actor: 'Julie',
  });
  const key = await createShopKey(stack, shopId, 'staff');
  for (const r of [template, campaign, suppression]) {
    if (r.status !== 201) throw new Error(JSON.stringify(r.data));
  }
  return {
    shopId,
    clientId,
    visitId,
    documentId,
    messageId,
    templateId: template.data.id,
    campaignId: campaign.data.id,
    suppressionId: suppression.data.id,
    keyId: key.id,
    token: 'x',
  };
}
