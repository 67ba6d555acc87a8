import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ workers: false });
});
afterAll(async () => stack.close());

it('probes', async () => {
  const shopId = await createShop(stack.api);
  const clientId = await createClient(stack.api, shopId);
  const show = async (
    label: string,
    p: Promise<{ status: number; headers: unknown; data: unknown }>,
  ) => {
    const r = await p;
    console.log(label, r.status, JSON.stringify(r.data));
  };
  const m = `/v1/shops/${shopId}/messages`;
  await show(
    'extra',
    stack.api.post(m, {
      channel: 'sms',
      clientId,
      body: 'x',
      salesperson: 'J',
      foo: 1,
    }),
  );
  await show(
    'both+nosales',
    stack.api.post(m, {
      channel: 'sms',
      clientId,
      body: 'x',
      templateId: clientId,
    }),
  );
  await show(
    'neither',
    stack.api.post(m, { channel: 'sms', clientId, salesperson: 'J' }),
  );
  await show(
    'array',
    stack.api.post(m, [1, 2], {
      headers: { 'content-type': 'application/json' },
    }),
  );
  await show(
    'string',
    stack.api.post(m, '"hello"', {
      headers: { 'content-type': 'application/json' },
    }),
  );
  await show(
    'num',
    stack.api.post(m, '42', {
      headers: { 'content-type': 'application/json' },
    }),
  );
  await show(
    'text',
    stack.api.post(m, 'hello', { headers: { 'content-type': 'text/plain' } }),
  );
  await show(
    'badjson',
    stack.api.post(m, '{"a":', {
      headers: { 'content-type': 'application/json' },
    }),
  );
  const cur = (v: unknown) =>
    Buffer.from(JSON.stringify(v)).toString('base64url');
  await show(
    'cursor-id',
    stack.api.get(m, {
      params: { cursor: cur(['2020-01-01T00:00:00.000Z', 'x']) },
    }),
  );
  await show(
    'cursor-year',
    stack.api.get(m, {
      params: { cursor: cur(['+100000-01-01T00:00:00.000Z', clientId]) },
    }),
  );
  await show(
    'cursor-neg',
    stack.api.get(m, {
      params: { cursor: cur(['-100000-01-01T00:00:00.000Z', clientId]) },
    }),
  );
  await show('cursor-garbage', stack.api.get(m, { params: { cursor: 'zzz' } }));
  await show('q-extra', stack.api.get(m, { params: { foo: 1 } }));
  await show('limit0', stack.api.get(m, { params: { limit: 0 } }));
  await show(
    'tz',
    stack.api.post('/v1/shops', { name: 'x', timeZone: 'Mars/Olympus' }),
  );
  await show(
    'tz-empty',
    stack.api.post('/v1/shops', { name: 'x', timeZone: '' }),
  );
  await show('sender', stack.api.post('/v1/shops', { smsSender: "L'Optique" }));
  await show(
    'client',
    stack.api.post(`/v1/shops/${shopId}/clients`, {
      lastName: 'x',
      mobile: '06 12 34',
      smsConsent: true,
    }),
  );
  await show(
    'client2',
    stack.api.post(`/v1/shops/${shopId}/clients`, {
      mobile: '06 12 34',
      smsConsent: true,
    }),
  );
  await show(
    'tpl',
    stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'email',
      body: 'x',
    }),
  );
  await show('doc', stack.api.post(`/v1/shops/${shopId}/documents`, {}));
  const form = new FormData();
  form.append('clientId', clientId);
  form.append('file', new Blob([Buffer.alloc(5 * 1024 * 1024 + 1)]), 'big.pdf');
  const r = await fetch(`${stack.apiUrl}/v1/shops/${shopId}/documents`, {
    method: 'POST',
    body: form,
  });
  console.log('big', r.status, r.headers.get('content-type'), await r.text());
  const form2 = new FormData();
  form2.append('file', new Blob([Buffer.alloc(5)]), 'a.pdf');
  form2.append('other', new Blob([Buffer.alloc(5)]), 'b.pdf');
  const r2 = await fetch(`${stack.apiUrl}/v1/shops/${shopId}/documents`, {
    method: 'POST',
    body: form2,
  });
  console.log('twofiles', r2.status, await r2.text());
});
