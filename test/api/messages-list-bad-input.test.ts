import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { expectProblem, invalid, unknownId } from './bad-input-support';

describe('GET /v1/shops/:shopId/messages with a bad query', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  const cursorOf = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');

  describe('when the query is bad', () => {
    it.each([
      { what: 'an unknown status', query: 'status=lost', paths: ['status'] },
      {
        what: 'a cursor it never made',
        query: 'cursor=bm90LWEtY3Vyc29y',
        paths: ['cursor'],
      },
      {
        what: 'a cursor whose id is not a uuid',
        query: `cursor=${cursorOf(['2026-01-01T00:00:00.000Z', 'x'])}`,
        paths: ['cursor'],
      },
      {
        what: 'a cursor whose date is not a date',
        query: `cursor=${cursorOf(['yesterday', unknownId()])}`,
        paths: ['cursor'],
      },
      { what: 'limit 0', query: 'limit=0', paths: ['limit'] },
      { what: 'limit 500', query: 'limit=500', paths: ['limit'] },
      {
        what: 'a limit that is not a number',
        query: 'limit=ten',
        paths: ['limit'],
      },
      { what: 'an unknown parameter', query: 'sort=oldest', paths: ['sort'] },
      {
        what: 'several bad parameters',
        query: 'status=lost&limit=0',
        paths: ['limit', 'status'],
      },
    ])('answers 400 naming $paths for $what', async ({ query, paths }) => {
      const response = await stack.api.get(
        `/v1/shops/${shopId}/messages?${query}`,
      );

      expectProblem(response, invalid(paths));
    });

    it('answers 404 naming shopId when the shop does not exist', async () => {
      const response = await stack.api.get(`/v1/shops/${unknownId()}/messages`);

      expectProblem(response, {
        status: 404,
        code: 'not_found',
        paths: ['shopId'],
      });
    });
  });

  describe('when the query is valid', () => {
    it('accepts the cursor it returned, so the refusals are about the cursor', async () => {
      const clientId = await createClient(stack.api, shopId);
      for (const body of ['Premier', 'Second']) {
        const sent = await stack.api.post(`/v1/shops/${shopId}/messages`, {
          channel: 'sms',
          clientId,
          body,
          salesperson: 'Julie',
        });
        expect(sent.status).toBe(202);
      }

      const first = await stack.api.get(`/v1/shops/${shopId}/messages?limit=1`);
      const second = await stack.api.get(
        `/v1/shops/${shopId}/messages?limit=1&cursor=${first.data.nextCursor}`,
      );

      expect(second.status).toBe(200);
      expect(second.data.items).toHaveLength(1);
      expect(second.data.items[0].id).not.toBe(first.data.items[0].id);
    });
  });
});
