import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  clientWithKey,
  createShopKey,
  routeTable,
} from '../security/security-support';
import {
  expectProblem,
  expectRefusedWithoutTrace,
  invalid,
} from './bad-input-support';

// What every route owes a client beyond its own fields: dates Postgres
// can store, bodies in the media type they claim, sizes and methods
// answered with their own status, and nothing a client did not ask for.

const MAX_BALANCE = 2_147_483_647;

describe('the API contract', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  describe('when a date is out of range or does not exist', () => {
    const visit = { kind: 'glasses', visitDate: '2026-11-20' };

    it.each([
      {
        what: 'the visit date is in year 0',
        body: { visitDate: '0000-01-01' },
        expected: invalid(['visitDate'], { visitDate: /1900 to 2100/ }),
      },
      {
        what: 'the visit date is in year 2101',
        body: { visitDate: '2101-01-01' },
        expected: invalid(['visitDate'], { visitDate: /1900 to 2100/ }),
      },
      {
        what: 'the visit date is 31 February',
        body: { visitDate: '2026-02-31' },
        expected: invalid(['visitDate'], { visitDate: /exists/ }),
      },
      {
        what: 'the ready time is in year 0',
        body: { readyAt: '0000-01-01T09:00:00Z' },
        expected: invalid(['readyAt'], { readyAt: /1900 to 2100/ }),
      },
      {
        what: 'the ready time is on 30 February',
        body: { readyAt: '2026-02-30T09:00:00+01:00' },
        expected: invalid(['readyAt'], { readyAt: /exist/ }),
      },
    ])('answers 400 naming the field when $what', async (c) => {
      await expectRefusedWithoutTrace(
        stack,
        () =>
          stack.api.post(`/v1/shops/${shopId}/visits`, {
            clientId,
            ...visit,
            ...c.body,
          }),
        c.expected,
      );
    });

    it('refuses an out-of-range date on a visit change too', async () => {
      const created = await stack.api.post(`/v1/shops/${shopId}/visits`, {
        clientId,
        ...visit,
      });

      const changed = await stack.api.patch(
        `/v1/shops/${shopId}/visits/${created.data.id}`,
        { visitDate: '0000-01-01' },
      );

      expectProblem(changed, invalid(['visitDate']));
    });

    it('accepts 29 February of a leap year and the range ends', async () => {
      const days = ['2028-02-29', '1900-01-01', '2100-12-31'];

      const answers = await Promise.all(
        days.map((visitDate) =>
          stack.api.post(`/v1/shops/${shopId}/visits`, {
            clientId,
            ...visit,
            visitDate,
          }),
        ),
      );

      expect(answers.map((a) => [a.status, a.data.visitDate])).toEqual(
        days.map((day) => [201, day]),
      );
    });
  });

  describe('when a purchase would take the balance past a 32-bit integer', () => {
    const balance = async (): Promise<number> =>
      (await stack.api.get(`/v1/shops/${shopId}/credit`)).data.balance;

    beforeAll(async () => {
      await stack.db.dataSource.query(
        `UPDATE shop SET credit_balance = $2 WHERE id = $1`,
        [shopId, MAX_BALANCE - 1000],
      );
    });

    it('answers 422 naming the credits and the maximum, and adds nothing', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () =>
          stack.api.post(`/v1/shops/${shopId}/credit/purchases`, {
            credits: 1001,
          }),
        {
          status: 422,
          code: 'balance_limit_exceeded',
          paths: ['credits'],
          messages: { credits: new RegExp(String(MAX_BALANCE)) },
        },
      );
      expect(await balance()).toBe(MAX_BALANCE - 1000);
    });

    it('fills the balance up to the maximum exactly', async () => {
      const response = await stack.api.post(
        `/v1/shops/${shopId}/credit/purchases`,
        { credits: 1000 },
      );

      expect([response.status, response.data.balance]).toEqual([
        201,
        MAX_BALANCE,
      ]);
    });
  });

  describe('when a shop is created', () => {
    it('says that no secret is set, as a read of it does', async () => {
      const created = await stack.api.post('/v1/shops', {
        name: 'Optique du Port',
        smsSender: 'OptPort',
      });
      const read = await stack.api.get(`/v1/shops/${created.data.id}`);

      const flags = ({ data }: { data: Record<string, unknown> }) => [
        data.smtpPasswordSet,
        data.smsProviderKeySet,
      ];

      expect(created.status).toBe(201);
      expect(flags(created)).toEqual([false, false]);
      expect(flags(read)).toEqual([false, false]);
    });

    it('answers what a read of the shop answers', async () => {
      const created = await stack.api.post('/v1/shops', {
        name: 'Optique du Quai',
        smsSender: 'OptQuai',
      });
      const read = await stack.api.get(`/v1/shops/${created.data.id}`);

      expect(created.status).toBe(201);
      expect(created.data).toEqual(read.data);
    });
  });

  describe('when the body is not JSON', () => {
    const shop = JSON.stringify({
      name: 'Optique Texte',
      smsSender: 'OptTexte',
    });
    const post = (headers: Record<string, string>) =>
      stack.api.post('/v1/shops', Buffer.from(shop), { headers });

    it.each([['text/plain'], ['application/x-www-form-urlencoded']])(
      'answers 415 to a %s body and creates nothing',
      async (type) => {
        await expectRefusedWithoutTrace(
          stack,
          () => post({ 'content-type': type }),
          {
            status: 415,
            code: 'unsupported_media_type',
            paths: ['(body)'],
            messages: { '(body)': new RegExp(type) },
          },
        );
      },
    );

    it('reads a +json media type as JSON', async () => {
      const response = await post({
        'content-type': 'application/vnd.optic+json',
      });

      expect([response.status, response.data.name]).toEqual([
        201,
        'Optique Texte',
      ]);
    });

    it('still takes a client import as text/csv', async () => {
      const csv = 'id_client;nom;prenom\nC-415;Martin;Luc\n';

      const response = await stack.api.post(
        `/v1/shops/${shopId}/clients/import`,
        Buffer.from(csv),
        { headers: { 'content-type': 'text/csv; charset=utf-8' } },
      );

      expect([response.status, response.data.imported]).toEqual([200, 1]);
    });
  });

  describe('when the path exists under other methods', () => {
    // What the route table holds for a path, read by a walker of its own.
    const methodsOf = (pattern: string): string[] => {
      const methods = routeTable(stack.app)
        .filter((route) => route.path === pattern)
        .map((route) => route.method);
      return methods.includes('GET') ? [...methods, 'HEAD'] : methods;
    };

    it.each([
      ['PUT', '/v1/shops/:shopId'],
      ['DELETE', '/v1/shops'],
      ['GET', '/v1/shops/:shopId/credit/purchases'],
    ])(
      'answers 405 to %s %s with the methods it takes in Allow',
      async (method, pattern) => {
        const expected = methodsOf(pattern);

        const response = await stack.api.request({
          method,
          url: pattern.replace(':shopId', shopId),
        });

        expectProblem(response, {
          status: 405,
          code: 'method_not_allowed',
          paths: [],
        });
        expect(expected).not.toContain(method);
        expect(String(response.headers.allow).split(', ').sort()).toEqual(
          [...new Set(expected)].sort(),
        );
      },
    );
  });

  describe('when a key lacks the role', () => {
    it.each([
      ['staff', 'POST', '/v1/shops', 'an admin'],
      ['staff', 'POST', '/credit/purchases', 'a manager'],
    ])(
      'tells a %s key that %s %s needs %s key',
      async (role, method, path, needed) => {
        const { key } = await createShopKey(stack, shopId, 'staff');
        const url = path.startsWith('/v1')
          ? path
          : `/v1/shops/${shopId}${path}`;

        const response = await clientWithKey(stack, key).request({
          method,
          url,
          data: { credits: 1 },
        });

        expect([response.status, response.data.title]).toEqual([
          403,
          `this route needs ${needed} key, the key used is ${role}`,
        ]);
      },
    );
  });

  describe('when a settings object has an unknown field', () => {
    it('answers 400 naming the field inside sendingWindow', async () => {
      const response = await stack.api.patch(
        `/v1/shops/${shopId}/sms/settings`,
        {
          sendingWindow: {
            days: [1, 2, 3, 4, 5],
            start: '09:00',
            end: '19:00',
            excludeHolidays: true,
            exludeSundays: true,
          },
        },
      );

      expectProblem(
        response,
        invalid(['sendingWindow.exludeSundays'], {
          'sendingWindow.exludeSundays': /not a known field/,
        }),
      );
    });
  });
});
