import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  expectRefusedWithoutTrace,
  invalid,
  snapshotStore,
  unknownId,
  without,
} from './bad-input-support';
import type { ExpectedProblem } from './bad-input-support';

const CLIENT = {
  lastName: 'Durand',
  firstName: 'Claire',
  mobile: '06 12 34 56 78',
  email: 'claire.durand@example.org',
  smsConsent: true,
  emailConsent: true,
  consentSource: 'in_shop',
};

const unknownClient: ExpectedProblem = {
  status: 422,
  code: 'invalid_reference',
  paths: ['clientId'],
  messages: { clientId: /unknown client/ },
};

describe('clients and visits with bad input', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;
  let strangerClientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
    const strangerShopId = await createShop(stack.api, { name: 'Optic 2000' });
    strangerClientId = await createClient(stack.api, strangerShopId);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('when POST .../clients is refused', () => {
    it.each([
      {
        what: 'the mobile is a landline',
        body: { ...CLIENT, mobile: '01 45 67 89 10' },
        expected: {
          status: 422,
          code: 'invalid_mobile',
          paths: ['mobile'],
          messages: { mobile: /landline/ },
        },
      },
      {
        what: 'the mobile is too short',
        body: { ...CLIENT, mobile: '06 12 34' },
        expected: {
          status: 422,
          code: 'invalid_mobile',
          paths: ['mobile'],
          messages: { mobile: /not a valid phone number/ },
        },
      },
      {
        what: 'the e-mail address cannot be delivered to',
        body: { ...CLIENT, email: 'claire.durand@example' },
        expected: {
          status: 422,
          code: 'invalid_email',
          paths: ['email'],
          messages: { email: /not a deliverable e-mail address/ },
        },
      },
      {
        what: 'a consent is given without its source',
        body: without(CLIENT, 'consentSource'),
        expected: invalid(['consentSource'], {
          consentSource: /required when a consent is given/,
        }),
      },
      {
        what: 'the last name is missing',
        body: without(CLIENT, 'lastName'),
        expected: invalid(['lastName']),
      },
      {
        what: 'the consent is not a boolean',
        body: { ...CLIENT, smsConsent: 'oui' },
        expected: invalid(['smsConsent']),
      },
    ])(
      'answers $expected.status naming $expected.paths when $what',
      async (c) => {
        await expectRefusedWithoutTrace(
          stack,
          () => stack.api.post(`/v1/shops/${shopId}/clients`, c.body),
          c.expected,
        );
      },
    );

    it('answers 404 naming shopId when the shop does not exist', async () => {
      await expectRefusedWithoutTrace(
        stack,
        () => stack.api.post(`/v1/shops/${unknownId()}/clients`, CLIENT),
        { status: 404, code: 'not_found', paths: ['shopId'] },
      );
    });
  });

  describe('when POST .../visits is refused', () => {
    const visit = () => ({
      clientId,
      kind: 'glasses',
      visitDate: '2026-11-20',
    });

    it.each([
      {
        what: 'the date does not exist',
        body: () => ({ ...visit(), visitDate: '2026-02-30' }),
        expected: invalid(['visitDate']),
      },
      {
        what: 'the date is written the French way',
        body: () => ({ ...visit(), visitDate: '20/11/2026' }),
        expected: invalid(['visitDate']),
      },
      {
        what: 'the kind is unknown',
        body: () => ({ ...visit(), kind: 'sunglasses' }),
        expected: invalid(['kind'], { kind: /"glasses"/ }),
      },
      {
        what: 'the client does not exist',
        body: () => ({ ...visit(), clientId: unknownId() }),
        expected: unknownClient,
      },
      {
        what: 'the client is of another shop',
        body: () => ({ ...visit(), clientId: strangerClientId }),
        expected: unknownClient,
      },
    ])(
      'answers $expected.status naming $expected.paths when $what',
      async (c) => {
        await expectRefusedWithoutTrace(
          stack,
          () => stack.api.post(`/v1/shops/${shopId}/visits`, c.body()),
          c.expected,
        );
      },
    );
  });

  describe('when the request is valid', () => {
    it('accepts the client and visit the refusals depart from, and the checks see them', async () => {
      const before = await snapshotStore(stack);

      const created = [
        await stack.api.post(`/v1/shops/${shopId}/clients`, CLIENT),
        await stack.api.post(`/v1/shops/${shopId}/visits`, {
          clientId,
          kind: 'glasses',
          visitDate: '2026-11-20',
        }),
      ];

      expect(created.map((r) => r.status)).toEqual([201, 201]);
      expect(await snapshotStore(stack)).toEqual({
        ...before,
        rows: {
          ...before.rows,
          client: before.rows.client + 1,
          consent_event: before.rows.consent_event + 2,
          visit: before.rows.visit + 1,
        },
      });
    });
  });
});
