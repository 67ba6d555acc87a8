import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import {
  expectRefusedWithoutTrace,
  invalid,
  jobCount,
  messageRowsOf,
  postForm,
  removeJobs,
  snapshotStore,
  unknownId,
  without,
} from './bad-input-support';
import type { ExpectedProblem, ProblemResponse } from './bad-input-support';

/** One shop's client with a visit and a document of their own. */
interface Customer {
  shopId: string;
  clientId: string;
  visitId: string;
  documentId: string;
}

interface Fixtures {
  /** The shop every refused send targets: it must end with no message. */
  main: Customer;
  /** Another client of the main shop. */
  sibling: Customer;
  /** A client of another shop. */
  stranger: Customer;
  /** A shop of its own for the sends that are accepted. */
  control: Customer;
  smsTemplateId: string;
  emailTemplateId: string;
  strangerTemplateId: string;
  controlTemplateId: string;
}

interface SendCase {
  title: string;
  shopId?: (f: Fixtures) => string;
  body: (f: Fixtures) => unknown;
  expected: ExpectedProblem;
}

interface RawCase {
  title: string;
  text: string;
  expected: ExpectedProblem;
}

const sms = (c: Pick<Customer, 'clientId'>) => ({
  channel: 'sms',
  clientId: c.clientId,
  body: 'Bonjour %prenom, vos lunettes sont prêtes.',
  salesperson: 'Julie',
});

const email = (c: Pick<Customer, 'clientId'>) => ({
  channel: 'email',
  clientId: c.clientId,
  subject: 'Vos lunettes sont prêtes',
  body: '<p>Bonjour %prenom, vos lunettes sont prêtes.</p>',
  salesperson: 'Julie',
});

const fromTemplate = (c: Customer, templateId: string) => ({
  ...without(sms(c), 'body'),
  templateId,
});

const refused = (path: string, why: RegExp): ExpectedProblem => ({
  status: 422,
  code: 'invalid_reference',
  paths: [path],
  messages: { [path]: why },
});

const SEND_CASES: SendCase[] = [
  {
    title: 'answers 404 naming shopId when the shop does not exist',
    shopId: () => unknownId(),
    body: (f) => sms(f.main),
    expected: { status: 404, code: 'not_found', paths: ['shopId'] },
  },
  {
    title: 'answers 404 naming shopId when the shop id is not a uuid',
    shopId: () => 'optique-lumiere',
    body: (f) => sms(f.main),
    expected: { status: 404, code: 'not_found', paths: ['shopId'] },
  },
  {
    title: 'answers 422 naming clientId when the client does not exist',
    body: (f) => ({ ...sms(f.main), clientId: unknownId() }),
    expected: refused('clientId', /unknown client/),
  },
  {
    title: 'answers 422 naming clientId for a client of another shop',
    body: (f) => sms(f.stranger),
    expected: refused('clientId', /unknown client/),
  },
  {
    title: 'answers 400 naming clientId when it is not a uuid',
    body: (f) => ({ ...sms(f.main), clientId: 'DURAND-42' }),
    expected: invalid(['clientId']),
  },
  {
    title: 'answers 422 naming templateId when the template does not exist',
    body: (f) => fromTemplate(f.main, unknownId()),
    expected: refused('templateId', /unknown template/),
  },
  {
    title: 'answers 422 naming templateId for a template of another shop',
    body: (f) => fromTemplate(f.main, f.strangerTemplateId),
    expected: refused('templateId', /unknown template/),
  },
  {
    title: 'answers 422 naming templateId for an e-mail template sent as SMS',
    body: (f) => fromTemplate(f.main, f.emailTemplateId),
    expected: refused('templateId', /email template cannot be sent by sms/),
  },
  {
    title: 'answers 400 naming body when both templateId and body are given',
    body: (f) => ({ ...sms(f.main), templateId: f.smsTemplateId }),
    expected: invalid(['body'], { body: /exactly one of templateId and body/ }),
  },
  {
    title: 'answers 400 naming body when neither templateId nor body is given',
    body: (f) => without(sms(f.main), 'body'),
    expected: invalid(['body'], { body: /exactly one of templateId and body/ }),
  },
  {
    title: 'answers 400 naming salesperson when it is missing',
    body: (f) => without(sms(f.main), 'salesperson'),
    expected: invalid(['salesperson']),
  },
  {
    title: 'answers 400 naming salesperson when it is blank',
    body: (f) => ({ ...sms(f.main), salesperson: '   ' }),
    expected: invalid(['salesperson']),
  },
  {
    title: 'answers 400 naming channel for a fax',
    body: (f) => ({ ...sms(f.main), channel: 'fax' }),
    expected: invalid(['channel'], { channel: /"sms"\|"email"/ }),
  },
  {
    title: 'answers 400 naming subject for an e-mail without one',
    body: (f) => without(email(f.main), 'subject'),
    expected: invalid(['subject'], { subject: /required for an e-mail/ }),
  },
  {
    title: 'answers 422 naming body and the field for an unknown merge field',
    body: (f) => ({ ...sms(f.main), body: 'Bonjour %nomm, à bientôt.' }),
    expected: {
      status: 422,
      code: 'unknown_merge_field',
      paths: ['body'],
      messages: { body: /%nomm\b/ },
    },
  },
  {
    title: 'answers 422 naming subject for an unknown merge field in it',
    body: (f) => ({ ...email(f.main), subject: 'Pour %prenon' }),
    expected: {
      status: 422,
      code: 'unknown_merge_field',
      paths: ['subject'],
      messages: { subject: /%prenon\b/ },
    },
  },
  {
    title: 'answers 422 naming visitId for a visit of another client',
    body: (f) => ({ ...sms(f.main), visitId: f.sibling.visitId }),
    expected: refused('visitId', /unknown visit of this client/),
  },
  {
    title: 'answers 422 naming the index of a document of another client',
    body: (f) => ({
      ...email(f.main),
      documentIds: [f.main.documentId, f.sibling.documentId],
    }),
    expected: refused('documentIds.1', /not a document of this client/),
  },
  {
    title: 'answers 400 naming documentIds on an SMS',
    body: (f) => ({ ...sms(f.main), documentIds: [f.main.documentId] }),
    expected: invalid(['documentIds'], { documentIds: /only e-mails/ }),
  },
  {
    title: 'answers 400 naming an unknown extra property',
    body: (f) => ({ ...sms(f.main), priority: 'high' }),
    expected: invalid(['priority'], { priority: /not a known field/ }),
  },
  {
    title: 'answers 400 naming every bad field of one request',
    body: () => ({ channel: 'fax', clientId: 'x', body: 'Bonjour' }),
    expected: invalid(['channel', 'clientId', 'salesperson']),
  },
  {
    title: 'answers 400 naming body when it holds a NUL character',
    body: (f) => ({ ...sms(f.main), body: 'Bonjour\u0000' }),
    expected: invalid(['body'], { body: /NUL/ }),
  },
];

const RAW_CASES: RawCase[] = [
  {
    title: 'answers 400 invalid_json for a body that is not JSON',
    text: '{"channel": "sms", "clientId":',
    expected: {
      status: 400,
      code: 'invalid_json',
      paths: ['(body)'],
      messages: { '(body)': /not valid JSON/ },
    },
  },
  {
    title: 'answers 400 naming the body when it is an array, not an object',
    text: '[{"channel": "sms"}]',
    expected: invalid(['(body)'], { '(body)': /expected object/ }),
  },
];

describe('POST /v1/shops/:shopId/messages with bad input', () => {
  let stack: TestStack;
  let f: Fixtures;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    f = await makeFixtures(stack);
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Runs a refused send and proves it wrote and enqueued nothing. */
  async function expectSendRefused(
    send: () => Promise<ProblemResponse>,
    expected: ExpectedProblem,
  ): Promise<void> {
    await expectRefusedWithoutTrace(stack, send, expected);

    expect(await messageRowsOf(stack, f.main.shopId)).toBe(0);
    expect(await jobCount(stack)).toBe(0);
  }

  describe('when the JSON names something wrong', () => {
    it.each(SEND_CASES)('$title', async ({ shopId, body, expected }) => {
      const shop = shopId?.(f) ?? f.main.shopId;

      await expectSendRefused(
        () => stack.api.post(`/v1/shops/${shop}/messages`, body(f)),
        expected,
      );
    });
  });

  describe('when the body is not a JSON object', () => {
    it.each(RAW_CASES)('$title', async ({ text, expected }) => {
      await expectSendRefused(
        () =>
          stack.api.post(
            `/v1/shops/${f.main.shopId}/messages`,
            Buffer.from(text),
            { headers: { 'content-type': 'application/json' } },
          ),
        expected,
      );
    });
  });

  describe('when the request is valid', () => {
    it('accepts the SMS and e-mail the refusals depart from, and the checks see each row and job', async () => {
      const c = f.control;
      const before = await snapshotStore(stack);

      const accepted = await Promise.all([
        stack.api.post(`/v1/shops/${c.shopId}/messages`, {
          ...sms(c),
          visitId: c.visitId,
        }),
        stack.api.post(`/v1/shops/${c.shopId}/messages`, {
          ...email(c),
          documentIds: [c.documentId],
        }),
        stack.api.post(
          `/v1/shops/${c.shopId}/messages`,
          fromTemplate(c, f.controlTemplateId),
        ),
      ]);

      expect(accepted.map((r) => r.status)).toEqual([202, 202, 202]);
      const after = await snapshotStore(stack);
      expect(after.rows.message - before.rows.message).toBe(3);
      expect(after.jobs - before.jobs).toBe(3);
      expect(await messageRowsOf(stack, c.shopId)).toBe(3);

      await removeJobs(
        stack,
        accepted.map((r) => r.data.id),
      );
      expect(await jobCount(stack)).toBe(0);
    });
  });
});

async function makeFixtures(stack: TestStack): Promise<Fixtures> {
  const mainShopId = await createShop(stack.api);
  const strangerShopId = await createShop(stack.api, { name: 'Optic 2000' });
  const controlShopId = await createShop(stack.api, { name: 'Vue Claire' });
  const [main, sibling, stranger, control] = await Promise.all([
    makeCustomer(stack, mainShopId, 'Durand'),
    makeCustomer(stack, mainShopId, 'Martin'),
    makeCustomer(stack, strangerShopId, 'Bernard'),
    makeCustomer(stack, controlShopId, 'Petit'),
  ]);

  return {
    main,
    sibling,
    stranger,
    control,
    smsTemplateId: await makeTemplate(stack, mainShopId, 'sms'),
    emailTemplateId: await makeTemplate(stack, mainShopId, 'email'),
    strangerTemplateId: await makeTemplate(stack, strangerShopId, 'sms'),
    controlTemplateId: await makeTemplate(stack, controlShopId, 'sms'),
  };
}

async function makeCustomer(
  stack: TestStack,
  shopId: string,
  lastName: string,
): Promise<Customer> {
  const clientId = await createClient(stack.api, shopId, { lastName });
  const visit = await stack.api.post(`/v1/shops/${shopId}/visits`, {
    clientId,
    kind: 'glasses',
    visitDate: '2026-11-20',
  });
  expect(visit.status).toBe(201);

  const form = new FormData();
  form.append('clientId', clientId);
  form.append('visitId', visit.data.id);
  form.append('file', new Blob(['%PDF-1.4\n%%EOF\n']), 'facture.pdf');
  const document = await postForm(stack, `/v1/shops/${shopId}/documents`, form);
  expect(document.status).toBe(201);

  return {
    shopId,
    clientId,
    visitId: visit.data.id,
    documentId: String(document.data.id),
  };
}

async function makeTemplate(
  stack: TestStack,
  shopId: string,
  channel: 'sms' | 'email',
): Promise<string> {
  const response = await stack.api.post(`/v1/shops/${shopId}/templates`, {
    channel,
    label: `Lunettes prêtes (${channel})`,
    subject: channel === 'email' ? 'Vos lunettes sont prêtes' : undefined,
    body: 'Bonjour %prenom, vos lunettes sont prêtes chez %magasin.',
  });
  expect(response.status).toBe(201);
  return response.data.id;
}
