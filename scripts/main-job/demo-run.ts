import type { AxiosInstance } from 'axios';
import { demoClients, invoicePdf } from './demo-data';
import type { DemoClient } from './demo-data';

const LENS_RENEWAL =
  "%magasin vous rappelle que la boîte de lentilles achetées le %datevisite va bientôt se terminer.\r\nN'oubliez pas de programmer un passage en magasin pour ne pas tomber en rupture de lentille !";

const INVOICE_BODY =
  '<p>Bonjour %civilite %nom,</p><p>Comme convenu lors de votre venue en magasin, vous trouverez ci-joint la facture de votre équipement.</p><p>Cordialement,<br>Votre opticien, <b>%magasin</b></p>';

export interface SeededClient {
  id: string;
  demo: DemoClient;
}

export interface SeedResult {
  shopId: string;
  clients: SeededClient[];
  refused: Record<string, number>;
  credits: number;
}

/** Creates the demo shop, its predefined messages, credit and clients through the API. */
export async function seedDemoShop(
  api: AxiosInstance,
  clientCount: number,
  credits: number,
): Promise<SeedResult> {
  const shop = await expectCreated(
    api.post('/v1/shops', {
      name: 'Optique de la Gare',
      region: 'IDF',
      smsSender: 'OptiqueGare',
      smsSignature: 'Optique de la Gare',
      smsStopMention: 'STOP au 36180',
      emailFromAddress: 'contact@optique-gare.example',
      emailFromName: 'Optique de la Gare',
      miniSiteUrl: 'https://optique-gare.example',
    }),
    'shop',
  );
  await expectCreated(
    api.post(`/v1/shops/${shop.id}/credit/purchases`, {
      credits,
      note: 'demo',
    }),
    'credit',
  );

  const refused: Record<string, number> = {};
  const clients: SeededClient[] = [];
  await forEachLimited(demoClients(clientCount), 16, async (demo) => {
    const { invalidMobile: _ignored, ...body } = demo;
    const response = await api.post(`/v1/shops/${shop.id}/clients`, {
      ...body,
      salesperson: 'Julie',
    });
    if (response.status === 201) {
      clients.push({ id: response.data.id, demo });
    } else {
      const code = String(response.data?.code ?? response.status);
      refused[code] = (refused[code] ?? 0) + 1;
    }
  });
  return { shopId: shop.id, clients, refused, credits };
}

/** Queues the lens-renewal SMS and the invoice e-mails; returns their ids by channel. */
export async function sendDemoMessages(
  api: AxiosInstance,
  seed: SeedResult,
  smsCount: number,
  emailCount: number,
): Promise<{ sms: string[]; email: string[] }> {
  const shopId = seed.shopId;
  const smsTemplate = await expectCreated(
    api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Renouvellement lentille',
      body: LENS_RENEWAL,
      kind: 'transactional',
    }),
    'SMS template',
  );
  const emailTemplate = await expectCreated(
    api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'email',
      label: 'Facture',
      subject: 'Votre facture - %magasin',
      body: INVOICE_BODY,
      kind: 'transactional',
    }),
    'e-mail template',
  );

  const ids = { sms: [] as string[], email: [] as string[] };
  await forEachLimited(
    seed.clients.slice(0, smsCount),
    16,
    async ({ id }, index) => {
      const visit = await createVisit(api, shopId, id, 'contact_lenses', index);
      ids.sms.push(
        await expectAccepted(
          api.post(`/v1/shops/${shopId}/messages`, {
            channel: 'sms',
            clientId: id,
            visitId: visit,
            templateId: smsTemplate.id,
            salesperson: 'Julie',
          }),
        ),
      );
    },
  );
  await forEachLimited(
    seed.clients.slice(0, emailCount),
    8,
    async ({ id, demo }, index) => {
      const visit = await createVisit(api, shopId, id, 'glasses', index);
      const documentId = await uploadInvoice(
        api,
        shopId,
        id,
        visit,
        `${demo.firstName} ${demo.lastName}`,
        index,
      );
      ids.email.push(
        await expectAccepted(
          api.post(`/v1/shops/${shopId}/messages`, {
            channel: 'email',
            clientId: id,
            visitId: visit,
            templateId: emailTemplate.id,
            documentIds: [documentId],
            salesperson: 'Julie',
          }),
        ),
      );
    },
  );
  return ids;
}

async function createVisit(
  api: AxiosInstance,
  shopId: string,
  clientId: string,
  kind: string,
  index: number,
): Promise<string> {
  const day = String(1 + (index % 28)).padStart(2, '0');
  const visit = await expectCreated(
    api.post(`/v1/shops/${shopId}/visits`, {
      clientId,
      kind,
      visitDate: `2026-09-${day}`,
      status: 'collected',
      ...(kind === 'contact_lenses' ? { lensBoxDays: 90 } : {}),
    }),
    'visit',
  );
  return visit.id;
}

async function uploadInvoice(
  api: AxiosInstance,
  shopId: string,
  clientId: string,
  visitId: string,
  name: string,
  index: number,
): Promise<string> {
  const form = new FormData();
  form.append('clientId', clientId);
  form.append('visitId', visitId);
  form.append('type', 'Facture');
  form.append(
    'file',
    new Blob([invoicePdf(name, 2026_0001 + index)], {
      type: 'application/pdf',
    }),
    'facture.pdf',
  );
  const document = await expectCreated(
    api.post(`/v1/shops/${shopId}/documents`, form),
    'document',
  );
  return document.id;
}

async function expectCreated(
  request: Promise<{ status: number; data: { id: string } }>,
  what: string,
) {
  const response = await request;
  if (response.status !== 201)
    throw new Error(
      `creating the demo ${what} failed: ${response.status} ${JSON.stringify(response.data)}`,
    );
  return response.data;
}

async function expectAccepted(
  request: Promise<{ status: number; data: { id: string } }>,
): Promise<string> {
  const response = await request;
  if (response.status !== 202)
    throw new Error(
      `a demo send was refused: ${response.status} ${JSON.stringify(response.data)}`,
    );
  return response.data.id;
}

async function forEachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const runners = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    },
  );
  await Promise.all(runners);
}
