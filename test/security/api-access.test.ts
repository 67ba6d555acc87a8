import { createHash } from 'node:crypto';
import type { AxiosInstance } from 'axios';
import { buyCredits, createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { clientWithKey, createShopKey } from './security-support';

const SMTP_PASSWORD = 'smtp-Secret-Passw0rd-xyz';
const PROVIDER_KEY = 'octopush-Secret-Key-0123';

describe('API keys and roles', () => {
  const logs: string[] = [];
  let stack: TestStack;
  let shopId: string;
  let staff: AxiosInstance;
  let manager: AxiosInstance;
  let managerKey: { id: string; key: string };

  beforeAll(async () => {
    stack = await startTestStack({ workers: false, logger: capture(logs) });
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 100);
    staff = clientWithKey(
      stack,
      (await createShopKey(stack, shopId, 'staff')).key,
    );
    managerKey = await createShopKey(stack, shopId, 'manager');
    manager = clientWithKey(stack, managerKey.key);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('answers 401 without a key, with an unknown key and with a malformed header', async () => {
    const path = `/v1/shops/${shopId}`;
    const answers = [
      await stack.api.get(path, { headers: { Authorization: null } }),
      await clientWithKey(stack, `oc_${'A'.repeat(43)}`).get(path),
      await stack.api.get(path, { headers: { Authorization: 'Basic abc' } }),
    ];

    for (const response of answers) {
      expect(response.status).toBe(401);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
      expect(response.data.code).toBe('unauthorized');
    }
  });

  it('shows a key once, lists it by prefix only and stores only its SHA-256', async () => {
    const created = await manager.post(`/v1/shops/${shopId}/api-keys`, {
      role: 'staff',
      label: 'comptoir',
    });
    const listed = await manager.get(`/v1/shops/${shopId}/api-keys`);
    const [stored] = await stack.db.dataSource.query(
      `SELECT hash FROM api_key WHERE id = $1`,
      [created.data.id],
    );

    expect(created.status).toBe(201);
    expect(created.data.key).toMatch(/^oc_[A-Za-z0-9_-]{43}$/);
    expect(created.data.key.startsWith(created.data.prefix)).toBe(true);
    expect(stored.hash).toBe(
      createHash('sha256').update(created.data.key).digest('hex'),
    );
    expect(listed.status).toBe(200);
    const entry = listed.data.items.find(
      (k: { id: string }) => k.id === created.data.id,
    );
    expect(entry).toEqual(
      expect.objectContaining({ role: 'staff', label: 'comptoir' }),
    );
    expect(JSON.stringify(listed.data)).not.toContain(created.data.key);
    expect(JSON.stringify(listed.data)).not.toContain(stored.hash);
  });

  it('refuses a revoked key with 401', async () => {
    const key = await createShopKey(stack, shopId, 'staff');
    const api = clientWithKey(stack, key.key);
    expect((await api.get(`/v1/shops/${shopId}`)).status).toBe(200);

    const revoked = await manager.delete(
      `/v1/shops/${shopId}/api-keys/${key.id}`,
    );

    expect(revoked.status).toBe(204);
    expect((await api.get(`/v1/shops/${shopId}`)).status).toBe(401);
  });

  it('lets staff send and read, and answers 403 to the manager routes', async () => {
    const clientId = await createClient(staff, shopId);
    const sent = await staff.post(`/v1/shops/${shopId}/messages`, {
      channel: 'sms',
      clientId,
      body: 'Vos lunettes sont prêtes',
      salesperson: 'Julie',
    });
    const base = `/v1/shops/${shopId}`;
    const refused = [
      await staff.post(`${base}/templates`, {
        channel: 'sms',
        label: 'x',
        body: 'x',
      }),
      await staff.patch(`${base}/sms/settings`, { smsSender: 'Autre' }),
      await staff.post(`${base}/credit/purchases`, { credits: 10 }),
      await staff.get(`${base}/campaigns`),
      await staff.post(`${base}/api-keys`, { role: 'manager' }),
      await staff.delete(`${base}/clients/${clientId}`),
      await staff.post('/v1/shops', { name: 'Autre' }),
    ];

    expect(sent.status).toBe(202);
    expect((await staff.get(`${base}/messages`)).status).toBe(200);
    expect((await staff.get(`${base}/clients/${clientId}`)).status).toBe(200);
    expect(refused.map((r) => [r.status, r.data.code])).toEqual(
      refused.map(() => [403, 'forbidden']),
    );
  });

  it('lets a manager run the shop, but not create shops or admin keys', async () => {
    const base = `/v1/shops/${shopId}`;

    expect(
      (await manager.post(`${base}/credit/purchases`, { credits: 5 })).status,
    ).toBe(201);
    expect((await manager.get(`${base}/campaigns`)).status).toBe(200);
    expect((await manager.post('/v1/shops', { name: 'Autre' })).status).toBe(
      403,
    );
    expect(
      (await manager.post(`${base}/api-keys`, { role: 'admin' })).status,
    ).toBe(400);
  });

  it('never answers nor logs a stored secret', async () => {
    const base = `/v1/shops/${shopId}`;
    const settings = [
      await manager.patch(`${base}/sms/settings`, {
        provider: { login: 'shop@optic.test', apiKey: PROVIDER_KEY },
      }),
      await manager.patch(`${base}/email/settings`, {
        smtp: {
          host: '127.0.0.1',
          port: stack.smtp.port,
          tlsMode: 'none',
          user: 'shop',
          password: SMTP_PASSWORD,
        },
      }),
    ];
    const hashes: { hash: string }[] = await stack.db.dataSource.query(
      `SELECT hash FROM api_key`,
    );
    const answers = [
      ...settings,
      await manager.get(base),
      await manager.get(`${base}/email/settings`),
      await manager.get(`${base}/api-keys`),
      await stack.api.get(base),
    ];
    const [stored] = await stack.db.dataSource.query(
      `SELECT smtp_password_enc, sms_provider_key_enc FROM shop WHERE id = $1`,
      [shopId],
    );
    const secrets = [
      SMTP_PASSWORD,
      PROVIDER_KEY,
      managerKey.key,
      ...hashes.map((h) => h.hash),
    ];

    expect(settings.map((r) => r.status)).toEqual([200, 200]);
    for (const text of [
      ...answers.map((r) => JSON.stringify(r.data)),
      ...logs,
    ]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
    expect(stored.smtp_password_enc).toEqual(expect.any(String));
    expect(stored.smtp_password_enc).not.toContain(SMTP_PASSWORD);
    expect(stored.sms_provider_key_enc).not.toContain(PROVIDER_KEY);
  });

  it('sends security headers and refuses a body over 1 MB with a problem', async () => {
    const big = { name: 'x'.repeat(1024 * 1024 + 10) };

    const response = await stack.api.post('/v1/shops', big);

    expect(response.status).toBe(413);
    expect(response.data.code).toBe('payload_too_large');
    expect(response.headers).toEqual(
      expect.objectContaining({
        'x-content-type-options': 'nosniff',
        'strict-transport-security': expect.stringMatching(/max-age/),
        'x-frame-options': 'SAMEORIGIN',
        'content-security-policy': expect.stringMatching(/default-src 'self'/),
      }),
    );
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('caps list pages at 200', async () => {
    const base = `/v1/shops/${shopId}`;
    for (const path of ['messages', 'clients', 'credit/ledger']) {
      const response = await manager.get(`${base}/${path}?limit=201`);
      expect([path, response.status]).toEqual([path, 400]);
    }
  });
});

function capture(lines: string[]) {
  const log = (msg: string, fields?: Record<string, unknown>) => {
    lines.push(`${msg} ${JSON.stringify(fields ?? {})}`);
  };
  const logger = {
    debug: log,
    info: log,
    warn: log,
    error: log,
    child: () => logger,
  };
  return logger;
}
