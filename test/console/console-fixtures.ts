import { buyCredits, createClient, createShop } from '../support/api-fixtures';
import type { TestStack } from '../support/test-stack';
import { createVisit, FILES, uploadOk } from '../email/email-support';
import { createShopKey } from '../security/security-support';

export interface CounterShop {
  shopId: string;
  clientId: string;
  visitId: string;
  managerKey: string;
  staffKey: string;
}

/** The manual's "Equipement optique prêt", with room for a merge field. */
export const READY_SMS = 'Bonjour , vos lunettes sont prêtes chez %magasin.';

/**
 * A shop as the manual shows it: Claire Durand with a visit whose invoice
 * is on file, predefined SMS and e-mails, a manager's and a staff key.
 */
export async function seedCounterShop(
  stack: TestStack,
  credits: number,
): Promise<CounterShop> {
  const shopId = await createShop(stack.api);
  if (credits > 0) await buyCredits(stack.api, shopId, credits);
  const clientId = await createClient(stack.api, shopId);
  const visitId = await createVisit(stack, shopId, clientId);
  await uploadOk(stack, shopId, {
    clientId,
    visitId,
    type: 'Facture',
    name: 'facture.pdf',
    content: FILES.pdf,
  });
  await createTemplates(stack, shopId);

  return {
    shopId,
    clientId,
    visitId,
    managerKey: (await createShopKey(stack, shopId, 'manager')).key,
    staffKey: (await createShopKey(stack, shopId, 'staff')).key,
  };
}

async function createTemplates(stack: TestStack, shopId: string) {
  const templates = [
    {
      channel: 'sms',
      label: 'Ajustement',
      body: 'Votre ajustement est prévu.',
    },
    { channel: 'sms', label: 'Equipement optique prêt', body: READY_SMS },
    {
      channel: 'email',
      label: 'Facture',
      subject: 'Votre facture',
      body: '<p>Bonjour %prenom,</p><p>Vous trouverez ci-joint la facture de votre équipement.</p>',
    },
  ];
  for (const template of templates) {
    const response = await stack.api.post(
      `/v1/shops/${shopId}/templates`,
      template,
    );
    if (response.status !== 201)
      throw new Error(
        `template: ${response.status} ${JSON.stringify(response.data)}`,
      );
  }
}
