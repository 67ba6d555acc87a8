import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Browser, Locator, Page } from 'playwright-core';
import { createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { createShopKey } from '../security/security-support';
import { launchChromium, screenshot, signIn } from './console-browser';

const SALES = 'Soldes : -20 % chez %magasin.';

describe("the console's Paramétrage", () => {
  let stack: TestStack;
  let browser: Browser;
  let shopId: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    browser = await launchChromium();
    shopId = await createShop(stack.api);
    await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Soldes',
      body: SALES,
      kind: 'marketing',
    });
    page = await signIn(
      browser,
      stack,
      (await createShopKey(stack, shopId, 'manager')).key,
    );
    await page.getByRole('link', { name: 'Paramétrage' }).click();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('creates a predefined SMS with "Nouveau", edits it, and deletes it only once confirmed', async () => {
    const templates = page.locator('.template-settings').first();
    await templates.getByRole('button', { name: 'Nouveau' }).click();
    // "Nouveau" leaves the caret in "Libellé": type straight away.
    await page.keyboard.type('Remise solaire');
    await templates
      .getByLabel('Message', { exact: true })
      .fill('-30 % sur les solaires chez %magasin.');
    await templates
      .getByText('44 caractère(s) / 160 : 1 sms sera envoyé')
      .waitFor();
    await templates.getByRole('button', { name: 'Enregistrer' }).click();
    await status(templates, '« Remise solaire » est enregistré.');
    expect(await smsTemplates()).toEqual({
      Soldes: SALES,
      'Remise solaire': '-30 % sur les solaires chez %magasin.',
    });
    await screenshot(page, 'settings');

    await templates
      .getByLabel('Message', { exact: true })
      .fill('-40 % sur les solaires chez %magasin.');
    await templates.getByRole('button', { name: 'Enregistrer' }).click();
    await templates
      .getByRole('row', { name: /-40 % sur les solaires/ })
      .waitFor();
    expect(await smsTemplates()).toEqual({
      Soldes: SALES,
      'Remise solaire': '-40 % sur les solaires chez %magasin.',
    });

    // The dialog opens on "Garder": Enter out of habit deletes nothing.
    await templates.getByRole('button', { name: 'Supprimer' }).click();
    const confirm = page.getByRole('dialog', {
      name: 'Supprimer « Remise solaire » ?',
    });
    await confirm.waitFor();
    await screenshot(page, 'settings-delete');
    await page.keyboard.press('Enter');
    await confirm.waitFor({ state: 'detached' });
    expect(Object.keys(await smsTemplates())).toContain('Remise solaire');

    await templates.getByRole('button', { name: 'Supprimer' }).click();
    await confirm.getByRole('button', { name: 'Supprimer' }).click();
    await status(templates, '« Remise solaire » est supprimé.');
    expect(await smsTemplates()).toEqual({ Soldes: SALES });
    expect(
      await templates.getByRole('button', { name: 'Remise solaire' }).count(),
    ).toBe(0);
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(
      'Nouveau',
    );
  });

  it('counts the SMS with the new signature and STOP mention, and shows the new sending window, once saved', async () => {
    const templates = page.locator('.template-settings').first();
    const settings = page.locator('form').filter({
      has: page.getByRole('heading', { name: 'Paramétrage des SMS' }),
    });
    await templates.getByRole('button', { name: 'Soldes' }).click();
    await templates
      .getByText('50 caractère(s) / 160 : 1 sms sera envoyé')
      .waitFor();
    await templates
      .getByText(
        'Envoi des SMS commerciaux : Lun, Mar, Mer, Jeu, Ven, Sam de 08:00 à 20:00, hors jours fériés',
        { exact: false },
      )
      .waitFor();

    // Octopush refuses any other form than "STOP au <number>".
    const stop = settings.getByLabel('Mention STOP');
    await stop.fill('STOP 38100');
    await settings.getByRole('button', { name: 'Enregistrer' }).click();
    await settings.locator('[aria-invalid="true"]').waitFor();
    expect(await stop.getAttribute('id')).toBe(
      await settings.locator('[aria-invalid="true"]').getAttribute('id'),
    );
    expect((await shop()).smsStopMention).toBe('STOP au 36180');

    await stop.fill('STOP au 38100');
    await settings
      .getByLabel('Signature des SMS')
      .fill('Optique Lumière, 01 23 45 67 89');
    await settings.getByLabel('Sam', { exact: true }).uncheck();
    await settings.getByLabel('à', { exact: true }).fill('19:00');
    await settings.getByRole('button', { name: 'Enregistrer' }).click();
    await status(settings, 'Paramètres enregistrés.');

    await templates
      .getByText('82 caractère(s) / 160 : 1 sms sera envoyé')
      .waitFor();
    expect(await templates.locator('.sms-final').textContent()).toBe(
      'Aperçu du SMS : Soldes : -20 % chez Optique Lumière.\nOptique Lumière, 01 23 45 67 89\nSTOP au 38100',
    );
    await templates
      .getByText(
        'Envoi des SMS commerciaux : Lun, Mar, Mer, Jeu, Ven de 08:00 à 19:00, hors jours fériés',
        { exact: false },
      )
      .waitFor();
    expect(await shop()).toMatchObject({
      smsSignature: 'Optique Lumière, 01 23 45 67 89',
      smsStopMention: 'STOP au 38100',
      sendingWindow: {
        days: [1, 2, 3, 4, 5],
        start: '08:00',
        end: '19:00',
        excludeHolidays: true,
      },
    });
  });

  it('tests the SMTP connection: the test server answers, a closed port is explained in French', async () => {
    await page.getByRole('tab', { name: 'Envoi de mails' }).click();
    await page.getByLabel('Utiliser le serveur SMTP du magasin').check();
    await page.getByLabel('Serveur SMTP', { exact: true }).fill('127.0.0.1');
    const port = page.getByLabel('Port', { exact: true });
    await port.fill(String(stack.smtp.port));
    await page.getByLabel('Sécurité').selectOption('none');
    await page.getByRole('button', { name: 'Tester la connexion' }).click();

    await page
      .getByRole('status')
      .filter({ hasText: 'Connexion réussie.' })
      .waitFor();
    await screenshot(page, 'settings-email');

    const closed = await closedPort();
    await port.fill(String(closed));
    await page.getByRole('button', { name: 'Tester la connexion' }).click();
    await page
      .getByRole('status')
      .filter({
        hasText: `Impossible de joindre le serveur 127.0.0.1, port ${closed} : vérifiez l'adresse, le port et que le serveur est en marche.`,
      })
      .waitFor();
    await screenshot(page, 'settings-smtp-error');
  });

  /** The shop's predefined SMS, label to body, as the API has them. */
  async function smsTemplates(): Promise<Record<string, string>> {
    const answer = await stack.api.get(`/v1/shops/${shopId}/templates`, {
      params: { channel: 'sms' },
    });
    return Object.fromEntries(
      answer.data.items.map((t: { label: string; body: string }) => [
        t.label,
        t.body,
      ]),
    );
  }

  async function shop(): Promise<Record<string, unknown>> {
    return (await stack.api.get(`/v1/shops/${shopId}`)).data;
  }
});

function status(within: Locator, text: string): Promise<void> {
  return within.getByRole('status').filter({ hasText: text }).waitFor();
}

/** A loopback port nothing listens on: one just freed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
