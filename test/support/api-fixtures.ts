import type { AxiosInstance } from 'axios';

/** Fails the test with the API's problem body when a setup call is refused. */
function expectStatus(
  response: { status: number; data: unknown },
  status: number,
  what: string,
): void {
  if (response.status !== status) {
    throw new Error(
      `${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.data)}`,
    );
  }
}

export async function createShop(
  api: AxiosInstance,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const response = await api.post('/v1/shops', {
    name: 'Optique Lumière',
    smsSender: 'OptLumiere',
    smsStopMention: 'STOP au 36180',
    emailFromAddress: 'contact@optique-lumiere.test',
    miniSiteUrl: 'https://optique-lumiere.test',
    ...overrides,
  });
  expectStatus(response, 201, 'create shop');
  return response.data.id;
}

export async function createClient(
  api: AxiosInstance,
  shopId: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const response = await api.post(`/v1/shops/${shopId}/clients`, {
    civility: 'Mme',
    lastName: 'Durand',
    firstName: 'Claire',
    mobile: '06 12 34 56 78',
    email: 'claire.durand@example.org',
    smsConsent: true,
    emailConsent: true,
    consentSource: 'in_shop',
    salesperson: 'Julie',
    ...overrides,
  });
  expectStatus(response, 201, 'create client');
  return response.data.id;
}

export async function buyCredits(
  api: AxiosInstance,
  shopId: string,
  credits: number,
): Promise<void> {
  const response = await api.post(`/v1/shops/${shopId}/credit/purchases`, {
    credits,
  });
  expectStatus(response, 201, 'buy credits');
}

export async function sendMessage(
  api: AxiosInstance,
  shopId: string,
  body: Record<string, unknown>,
): Promise<string> {
  const response = await api.post(`/v1/shops/${shopId}/messages`, {
    salesperson: 'Julie',
    ...body,
  });
  expectStatus(response, 202, 'send');
  return response.data.id;
}

export async function getMessage(
  api: AxiosInstance,
  shopId: string,
  id: string,
): Promise<Record<string, unknown> & { status: string; attempts: number }> {
  const response = await api.get(`/v1/shops/${shopId}/messages/${id}`);
  expectStatus(response, 200, 'get message');
  return response.data;
}

/** A French mobile number unique to `n`, as staff would type it. */
export function mobileFor(n: number): string {
  const digits = String(n).padStart(6, '0');
  return `06 12 ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)}`;
}
