import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  expectProblem,
  expectRefusedWithoutTrace,
  invalid,
  snapshotStore,
  unknownId,
  without,
} from './bad-input-support';

// What cuts across every endpoint: shops themselves, bodies that cannot be
// read, routes that do not exist and reads of unknown ids. Each resource's
// own refusals are in test/api/<resource>-bad-input.test.ts.

const SHOP = {
  name: 'Optique Lumière',
  smsSender: 'OptLumiere',
  timeZone: 'Europe/Paris',
};

describe('the API with bad input', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
    await createClient(stack.api, shopId);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('when POST /v1/shops is refused', () => {
    it.each([
      {
        what: 'the name is missing',
        body: without(SHOP, 'name'),
        expected: invalid(['name']),
      },
      {
        what: 'the sender name has 12 characters',
        body: { ...SHOP, smsSender: 'OptLumiere12' },
        expected: invalid(['smsSender'], { smsSender: /at most 11/ }),
      },
      {
        what: 'the sender name has an apostrophe',
        body: { ...SHOP, smsSender: "L'Optique" },
        expected: invalid(['smsSender'], {
          smsSender: /only letters without accents, digits and spaces/,
        }),
      },
      {
        what: 'the sender name has no letter',
        body: { ...SHOP, smsSender: '1234' },
        expected: invalid(['smsSender'], { smsSender: /at least one letter/ }),
      },
      {
        what: 'the time zone does not exist',
        body: { ...SHOP, timeZone: 'Europe/Atlantis' },
        expected: invalid(['timeZone'], { timeZone: /IANA time zone/ }),
      },
      {
        what: 'several fields are bad',
        body: { name: '', smsSender: 'OL', timeZone: 'CEST+2', colour: 'red' },
        expected: invalid(['colour', 'name', 'smsSender', 'timeZone'], {
          colour: /not a known field/,
          smsSender: /at least 3/,
        }),
      },
      {
        what: 'the name holds a NUL character',
        body: { ...SHOP, name: 'Optique\u0000' },
        expected: invalid(['name'], { name: /NUL/ }),
      },
    ])('answers 400 naming $expected.paths when $what', async (c) => {
      await expectRefusedWithoutTrace(
        stack,
        () => stack.api.post('/v1/shops', c.body),
        c.expected,
      );
    });

    it('accepts the shop each refusal departs from, and the checks see it', async () => {
      const before = await snapshotStore(stack);

      const response = await stack.api.post('/v1/shops', SHOP);

      expect(response.status).toBe(201);
      expect(await snapshotStore(stack)).toEqual({
        ...before,
        rows: { ...before.rows, shop: before.rows.shop + 1 },
      });
    });
  });

  describe('when the body cannot be read', () => {
    const raw = (text: string, headers: Record<string, string>) =>
      stack.api.post('/v1/shops', Buffer.from(text), { headers });

    it('answers 400 invalid_json for a body that is not JSON', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () => raw('{"name": "Optique', { 'content-type': 'application/json' }),
        {
          status: 400,
          code: 'invalid_json',
          paths: ['(body)'],
          messages: { '(body)': /not valid JSON/ },
        },
      );
    });

    it('answers 415 naming the body for a charset it does not read', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () =>
          raw(JSON.stringify(SHOP), {
            'content-type': 'application/json; charset=latin1',
          }),
        {
          status: 415,
          code: 'unreadable_body',
          paths: ['(body)'],
          messages: { '(body)': /unsupported charset/ },
        },
      );
    });

    it('answers 400 naming the body for a gzip body that is not gzip', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () =>
          raw(JSON.stringify(SHOP), {
            'content-type': 'application/json',
            'content-encoding': 'gzip',
          }),
        { status: 400, code: 'unreadable_body', paths: ['(body)'] },
      );
    });

    it('answers 413 for a body over 1 MB', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () =>
          raw(JSON.stringify({ ...SHOP, name: 'x'.repeat(1_100_000) }), {
            'content-type': 'application/json',
          }),
        {
          status: 413,
          code: 'payload_too_large',
          paths: ['(body)'],
          messages: { '(body)': /1048576 bytes/ },
        },
      );
    });
  });

  describe('when nothing answers the route', () => {
    it.each([
      ['GET', '/v1/nothing'],
      ['POST', '/v1/shops/00000000-0000-4000-8000-000000000000/orders'],
      ['PATCH', '/v1/nothing'],
    ])('answers 404 route_not_found for %s %s', async (method, url) => {
      await expectRefusedWithoutTrace(
        stack,
        () => stack.api.request({ method, url, data: {} }),
        { status: 404, code: 'route_not_found', paths: [] },
      );
    });
  });

  describe('when a read names something unknown', () => {
    it.each([
      ['a shop', () => `/v1/shops/${unknownId()}`, 'shopId'],
      ['a shop by a bad id', () => '/v1/shops/lumiere', 'shopId'],
      [
        'a client',
        () => `/v1/shops/${shopId}/clients/${unknownId()}`,
        'clientId',
      ],
      [
        'a client by a bad id',
        () => `/v1/shops/${shopId}/clients/42`,
        'clientId',
      ],
      [
        'a message',
        () => `/v1/shops/${shopId}/messages/${unknownId()}`,
        'messageId',
      ],
    ])('answers 404 naming the id of %s', async (_what, url, path) => {
      expectProblem(await stack.api.get(url()), {
        status: 404,
        code: 'not_found',
        paths: [path],
      });
    });

    it('answers 400 naming campaignId for the stats of a bad campaign id', async () => {
      const response = await stack.api.get(
        `/v1/shops/${shopId}/messages/stats?campaignId=spring`,
      );

      expectProblem(response, invalid(['campaignId']));
    });
  });
});
