import axios from 'axios';
import { createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';

const QUEUES = [
  'campaign-fanout',
  'email-campaign',
  'email-counter',
  'sms-campaign',
  'sms-counter',
];

describe('queue dashboard', () => {
  let stack: TestStack;
  let managerKey: string;
  const open = (path: string, headers: Record<string, string> = {}) =>
    axios.get(`${stack.apiUrl}${path}`, {
      headers,
      validateStatus: () => true,
    });

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    const shopId = await createShop(stack.api);
    managerKey = (
      await stack.api.post(`/v1/shops/${shopId}/api-keys`, {
        role: 'manager',
      })
    ).data.key;
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('lists every queue of the stack to an admin key', async () => {
    const answer = await stack.api.get('/admin/queues/api/queues');

    expect(answer.status).toBe(200);
    const names = (answer.data.queues as { name: string }[])
      .map((q) => q.name)
      .sort();
    expect(names).toEqual(QUEUES);
  });

  it('serves its page to an admin key', async () => {
    const page = await stack.api.get('/admin/queues');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers 401 without a key and 403 to a shop key', async () => {
    const anonymous = await open('/admin/queues/api/queues');
    const manager = await open('/admin/queues/api/queues', {
      Authorization: `Bearer ${managerKey}`,
    });
    const page = await open('/admin/queues');

    expect([anonymous.status, manager.status, page.status]).toEqual([
      401, 403, 401,
    ]);
  });

  it('accepts the admin key as the HttpOnly cookie set by POST /admin/session', async () => {
    const adminKey = stack.authorization.replace('Bearer ', '');
    const session = await axios.post(
      `${stack.apiUrl}/admin/session`,
      { key: adminKey },
      { validateStatus: () => true },
    );
    const cookie = String(session.headers['set-cookie']?.[0] ?? '');

    expect(session.status).toBe(204);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/admin/);
    const answer = await open('/admin/queues/api/queues', {
      Cookie: cookie.split(';')[0]!,
    });
    expect(answer.status).toBe(200);
  });

  it('refuses a session to a shop key or an unknown key', async () => {
    const post = (key: string) =>
      axios.post(
        `${stack.apiUrl}/admin/session`,
        { key },
        { validateStatus: () => true },
      );

    const manager = await post(managerKey);
    const unknown = await post('oc_not-a-key-0123456789');
    const cookieOfShop = await open('/admin/queues/api/queues', {
      Cookie: `optic_admin_key=${managerKey}`,
    });

    expect([manager.status, unknown.status, cookieOfShop.status]).toEqual([
      403, 401, 403,
    ]);
  });

  it('does not take the cookie outside /admin', async () => {
    const adminKey = stack.authorization.replace('Bearer ', '');

    const answer = await open('/metrics', {
      Cookie: `optic_admin_key=${adminKey}`,
    });

    expect(answer.status).toBe(401);
  });
});

describe('worker health and readiness', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ opsServers: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('answers /healthz and /readyz on every worker, on loopback', async () => {
    for (const worker of stack.workers) {
      expect(worker.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await axios.get(`${worker.opsUrl}/healthz`);
      const ready = await axios.get(`${worker.opsUrl}/readyz`);

      expect(health.data).toEqual({ status: 'ok' });
      expect(ready.data).toEqual({
        status: 'ready',
        checks: { postgres: true, redis: true },
      });
    }
  });

  it('answers 404 elsewhere', async () => {
    const answer = await axios.get(`${stack.workers[0]!.opsUrl}/nothing`, {
      validateStatus: () => true,
    });

    expect(answer.status).toBe(404);
  });
});
