import { createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  expectRefusedWithoutTrace,
  invalid,
  snapshotStore,
  without,
} from './bad-input-support';
import type { ExpectedProblem } from './bad-input-support';

const SMS_TEMPLATE = {
  channel: 'sms',
  label: 'Lunettes prêtes',
  body: 'Bonjour %prenom, vos lunettes sont prêtes.',
};

const EMAIL_TEMPLATE = {
  ...SMS_TEMPLATE,
  channel: 'email',
  subject: 'Vos lunettes sont prêtes',
};

const unknownField = (path: string, field: string): ExpectedProblem => ({
  status: 422,
  code: 'unknown_merge_field',
  paths: [path],
  messages: { [path]: new RegExp(`unknown merge field ${field}\\b`) },
});

describe('templates and credit purchases with bad input', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('when POST .../templates is refused', () => {
    it.each([
      {
        what: 'an SMS body names an unknown merge field',
        body: { ...SMS_TEMPLATE, body: 'Bonjour %prenon, à bientôt.' },
        expected: unknownField('body', '%prenon'),
      },
      {
        what: 'an e-mail subject names an unknown merge field',
        body: { ...EMAIL_TEMPLATE, subject: 'Pour %client' },
        expected: unknownField('subject', '%client'),
      },
      {
        what: 'an e-mail template has no subject',
        body: without(EMAIL_TEMPLATE, 'subject'),
        expected: invalid(['subject'], { subject: /required for an e-mail/ }),
      },
      {
        what: 'the subject is over 255 characters',
        body: { ...EMAIL_TEMPLATE, subject: 'x'.repeat(256) },
        expected: invalid(['subject'], { subject: /255/ }),
      },
      {
        what: 'the channel is a fax',
        body: { ...SMS_TEMPLATE, channel: 'fax' },
        expected: invalid(['channel']),
      },
      {
        what: 'the label is missing',
        body: without(SMS_TEMPLATE, 'label'),
        expected: invalid(['label']),
      },
    ])(
      'answers $expected.status naming $expected.paths when $what',
      async (c) => {
        await expectRefusedWithoutTrace(
          stack,
          () => stack.api.post(`/v1/shops/${shopId}/templates`, c.body),
          c.expected,
        );
      },
    );
  });

  describe('when POST .../credit/purchases is refused', () => {
    const balance = async () =>
      (await stack.api.get(`/v1/shops/${shopId}/credit`)).data.balance;

    it.each([
      ['0', 0],
      ['a negative number', -10],
      ['not an integer', 1.5],
      ['a string', '100'],
      ['missing', undefined],
    ])('answers 400 naming credits when it is %s', async (_what, credits) => {
      const before = await balance();

      await expectRefusedWithoutTrace(
        stack,
        () =>
          stack.api.post(`/v1/shops/${shopId}/credit/purchases`, { credits }),
        invalid(['credits']),
      );

      expect(await balance()).toBe(before);
    });
  });

  describe('when the request is valid', () => {
    it('accepts the templates and purchase the refusals depart from, and the checks see them', async () => {
      const before = await snapshotStore(stack);

      const created = [
        await stack.api.post(`/v1/shops/${shopId}/templates`, SMS_TEMPLATE),
        await stack.api.post(`/v1/shops/${shopId}/templates`, EMAIL_TEMPLATE),
        await stack.api.post(`/v1/shops/${shopId}/credit/purchases`, {
          credits: 100,
        }),
      ];

      expect(created.map((r) => r.status)).toEqual([201, 201, 201]);
      expect(await snapshotStore(stack)).toEqual({
        ...before,
        rows: {
          ...before.rows,
          template: before.rows.template + 2,
          credit_ledger: before.rows.credit_ledger + 1,
        },
        creditBalances: before.creditBalances + 100,
      });
    });
  });
});
