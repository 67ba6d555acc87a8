import type { Browser, Page } from 'playwright-core';
import { buyCredits, createShop } from '../support/api-fixtures';
import { mailFor } from '../email/email-support';
import { FILES } from '../email/email-support';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import {
  launchChromium,
  openClient,
  openLogin,
  screenshot,
  signIn,
  TABLET,
  typeKey,
} from './console-browser';
import { seedCounterShop } from './console-fixtures';
import { clientWithKey } from '../security/security-support';
import type { CounterShop } from './console-fixtures';

const SENT_SMS =
  'Bonjour Claire, vos lunettes sont prêtes chez Optique Lumière.';

describe('the console at the counter', () => {
  let stack: TestStack;
  let browser: Browser;
  let shop: CounterShop;

  beforeAll(async () => {
    stack = await startTestStack({ campaignWorker: false });
    browser = await launchChromium();
    shop = await seedCounterShop(stack, 20);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs in with a manager key, finds the client by name and shows the record with consent', async () => {
    const page = await browser.newPage();
    await page.goto(`${stack.apiUrl}/console/`);
    await screenshot(page, 'login');
    await page.close();

    const record = await signIn(browser, stack, shop.managerKey);
    await openClient(record, 'Durand');

    expect(await fieldValues(record)).toEqual({
      Civilité: 'Mme',
      Nom: 'Durand',
      Prénom: 'Claire',
      Portable: '+33612345678',
      'E-mail': 'claire.durand@example.org',
    });
    expect(await consentLines(record)).toEqual([
      expect.stringMatching(/SMS : oui \(le .*, en magasin, par Julie\)/),
      expect.stringMatching(/emails : oui \(le .*, en magasin, par Julie\)/),
    ]);
    await screenshot(record, 'client-record');
  });

  it('sends an SMS from a predefined message with a merge field inserted at the cursor, and shows it sent', async () => {
    const page = await signIn(browser, stack, shop.managerKey);
    await openClient(page, 'Durand');
    await page.getByRole('button', { name: 'Envoyer un SMS' }).click();
    const dialog = page.getByRole('dialog', { name: 'Envoyer un SMS' });

    await dialog
      .getByRole('button', { name: 'Equipement optique prêt' })
      .click();
    const text = dialog.getByLabel('Contenu du message');
    // The caret after "Bonjour ", by keyboard; the menu inserts there.
    await text.press('Control+Home');
    for (const _ of 'Bonjour ') await text.press('ArrowRight');
    await dialog.getByRole('button', { name: /Champs de fusion/ }).click();
    await dialog.getByRole('button', { name: /Prénom du client/ }).click();

    expect(await text.inputValue()).toBe(
      'Bonjour %prenom, vos lunettes sont prêtes chez %magasin.',
    );
    // The server renders the fields: 62 UCS-2 units because of the "ê".
    await dialog
      .getByText('62 caractère(s) / 70 : 1 sms sera envoyé')
      .waitFor();
    expect(await dialog.locator('.sms-final mark').allTextContents()).toEqual([
      'ê',
    ]);
    await dialog.getByLabel('Vendeur').fill('Julie');
    await screenshot(page, 'sms');

    await dialog.getByRole('button', { name: 'Envoyer', exact: true }).click();
    const row = dialog.getByRole('row').filter({ hasText: SENT_SMS });
    await row.locator('td[data-status="sent"]').waitFor();

    expect(await row.locator('td').allTextContents()).toEqual([
      '+33612345678',
      expect.stringMatching(/^\d\d\/\d\d\/\d{4} \d\d:\d\d$/),
      'Julie',
      SENT_SMS,
      'Envoyé',
    ]);
    expect(stack.sandbox.messages().map((m) => m.text)).toEqual([SENT_SMS]);
    // One part debited by the worker: the credit shown follows.
    await dialog.getByText('Crédit SMS : 19').waitFor();
    await screenshot(page, 'sms-sent');
  });

  it('sends an e-mail with a document of the visit and an added file, which the SMTP server receives', async () => {
    const page = await signIn(browser, stack, shop.managerKey);
    await openClient(page, 'Durand');
    await page.getByRole('button', { name: 'Envoyer un email' }).click();
    const dialog = page.getByRole('dialog', { name: 'Envoyer un email' });

    await dialog.getByRole('button', { name: 'Facture', exact: true }).click();
    const editor = dialog.getByRole('textbox', { name: "Corps de l'email" });
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Gras' }).click();
    await page.keyboard.type('Votre opticien');
    await dialog.getByLabel('Visite', { exact: true }).check();
    await dialog.getByRole('row', { name: /facture\.pdf/ }).dblclick();
    const chooser = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'Ajouter...' }).click();
    await (
      await chooser
    ).setFiles({
      name: 'photo.png',
      mimeType: 'image/png',
      buffer: FILES.png,
    });
    const attached = dialog.getByRole('table', { name: 'Pièces jointes' });
    await attached.getByText('photo.png').waitFor();
    await screenshot(page, 'email');

    await dialog.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await dialog
      .getByRole('status')
      .filter({ hasText: 'Email envoyé' })
      .waitFor();
    const id = await sentEmailId(stack, shop);
    const [mail] = await waitFor(() => {
      const found = mailFor(stack.smtp.received, id);
      return found.length > 0 && found;
    });

    expect(mail!.parsed.subject).toBe('Votre facture');
    expect(mail!.parsed.text).toContain('Bonjour Claire');
    expect(mail!.parsed.html).toMatch(/<b>Votre opticien<\/b>/);
    expect(
      mail!.parsed.attachments.map((a) => [a.filename, a.content]),
    ).toEqual([
      ['facture.pdf', FILES.pdf],
      ['photo.png', FILES.png],
    ]);
    await dialog.getByRole('tab', { name: 'Historique des envois' }).click();
    await dialog
      .getByRole('row', { name: /Votre facture/ })
      .locator('td[data-status="sent"]')
      .waitFor();
    await screenshot(page, 'email-history');
  });

  it('offers a staff key neither campaigns, Paramétrage nor a purchase, and the API refuses them too', async () => {
    const page = await signIn(browser, stack, shop.staffKey);
    const menu = page.getByRole('navigation', { name: 'Menu principal' });

    expect(await menu.getByRole('link').allTextContents()).toEqual([
      'Clients',
      'Crédit SMS',
    ]);
    await menu.getByRole('link', { name: 'Crédit SMS' }).click();
    await page.getByRole('heading', { name: 'Crédit SMS' }).waitFor();
    expect(await page.getByLabel('Crédits achetés').count()).toBe(0);
    for (const screen of ['campaigns', 'settings']) {
      await page.goto(`${stack.apiUrl}/console/${screen}`);
      await page
        .getByRole('alert')
        .filter({ hasText: 'Votre clé ne donne pas accès à cet écran' })
        .waitFor();
      expect([screen, await page.locator('form').count()]).toEqual([screen, 0]);
    }

    const staff = clientWithKey(stack, shop.staffKey);
    const base = `/v1/shops/${shop.shopId}`;
    const refused = await Promise.all([
      staff.patch(`${base}/sms/settings`, { smsSignature: 'Julie' }),
      staff.post(`${base}/templates`, {
        channel: 'sms',
        label: 'Promo',
        body: 'Promo',
      }),
      staff.post(`${base}/credit/purchases`, { credits: 100 }),
      staff.get(`${base}/campaigns`),
      staff.get(`${base}/email/settings`),
    ]);
    expect(refused.map((answer) => answer.status)).toEqual([
      403, 403, 403, 403, 403,
    ]);
  });
});

describe('the console without SMS credit, on a tablet', () => {
  let stack: TestStack;
  let browser: Browser;
  let shop: CounterShop;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    browser = await launchChromium();
    shop = await seedCounterShop(stack, 0);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("shows the manual's warning, sends nothing, and is used by keyboard", async () => {
    const page = await signIn(browser, stack, shop.staffKey, TABLET);
    await openClient(page, 'Durand');
    const open = page.getByRole('button', { name: 'Envoyer un SMS' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Envoyer un SMS' });

    // The dialog opens with the text area focused: type, then Envoyer.
    await page.keyboard.type('Votre commande est arrivée.');
    await dialog
      .getByText('27 caractère(s) / 160 : 1 sms sera envoyé')
      .waitFor();
    await dialog.getByRole('button', { name: 'Envoyer', exact: true }).focus();
    await page.keyboard.press('Enter');

    await dialog
      .getByRole('alert')
      .filter({
        hasText:
          'Attention, le crédit SMS est insuffisant : le SMS ne sera pas envoyé.',
      })
      .waitFor();
    expect(await dialog.getByText('Crédit SMS : 0').count()).toBe(1);
    expect(await fitsTheWidth(page)).toBe(true);
    await screenshot(page, 'sms-no-credit');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe(
      'Envoyer un SMS',
    );
    const history = await stack.api.get(`/v1/shops/${shop.shopId}/messages`);
    expect(history.data.items).toEqual([]);
  });

  it('lets an admin key pick a shop: from the list of every shop, searched by name, or by its identifier', async () => {
    const quiet = await createShop(stack.api, { name: 'Optique du Port' });
    await buyCredits(stack.api, quiet, 100);
    const page = await openLogin(browser, stack.apiUrl, TABLET);
    await typeKey(page, stack.authorization.replace('Bearer ', ''));

    // The quiet shop has sent nothing and has credit: listed all the same.
    await page.getByRole('heading', { name: 'Choisir un magasin' }).waitFor();
    const choices = page.locator('.shop-choices button');
    await choices.first().waitFor();
    expect(await choices.allTextContents()).toEqual([
      'Optique du Port · 100 crédit(s)',
      'Optique Lumière · 0 crédit(s) (bas)',
    ]);
    expect(await fitsTheWidth(page)).toBe(true);
    await screenshot(page, 'admin-shop-picker');

    // Typed without its accent, the name still finds the shop.
    const search = page.getByRole('search');
    await search.getByLabel('Nom du magasin').fill('LUMIERE');
    await search.getByRole('button', { name: 'Rechercher' }).click();
    await choices.nth(1).waitFor({ state: 'detached' });
    expect(await choices.allTextContents()).toEqual([
      'Optique Lumière · 0 crédit(s) (bas)',
    ]);
    await choices.first().click();
    const menu = page.getByRole('navigation', { name: 'Menu principal' });
    await menu.waitFor();
    expect(await menu.getByRole('link').allTextContents()).toEqual([
      'Clients',
      'Campagnes',
      'Crédit SMS',
      'Paramétrage',
    ]);
    expect(await page.locator('.shop-name').textContent()).toBe(
      'Optique Lumière',
    );

    await page.getByRole('button', { name: 'Changer de magasin' }).click();
    const shopId = page.getByLabel('Identifiant du magasin');
    await shopId.fill('6f1c1f0e-0000-4000-8000-000000000000');
    await shopId.press('Enter');
    await page
      .getByRole('alert')
      .filter({ hasText: "Aucun magasin n'a cet identifiant." })
      .waitFor();
    await shopId.fill(quiet);
    await shopId.press('Enter');
    await menu.waitFor();
    expect(await page.locator('.shop-name').textContent()).toBe(
      'Optique du Port',
    );

    // A reload keeps the shop chosen, for this tab.
    await page.reload();
    await menu.waitFor();
    expect(await page.locator('.shop-name').textContent()).toBe(
      'Optique du Port',
    );
  });
});

async function consentLines(page: Page): Promise<string[]> {
  const lines = await page.locator('.consent').allTextContents();
  return lines.map((line) => line.replace(/\s+/g, ' ').trim());
}

async function fieldValues(page: Page): Promise<Record<string, string>> {
  const identity = page.locator('.card').filter({ hasText: 'Identité' });
  const names = await identity.locator('dt').allTextContents();
  const values = await identity.locator('dd').allTextContents();
  return Object.fromEntries(names.map((name, i) => [name, values[i] ?? '']));
}

async function sentEmailId(
  stack: TestStack,
  shop: CounterShop,
): Promise<string> {
  const history = await stack.api.get(`/v1/shops/${shop.shopId}/messages`, {
    params: { channel: 'email', clientId: shop.clientId },
  });
  expect(history.data.items).toHaveLength(1);
  return history.data.items[0].id;
}

/** No part of the page needs a horizontal scroll at this width. */
function fitsTheWidth(page: Page): Promise<boolean> {
  return page.evaluate(
    'document.documentElement.scrollWidth <= window.innerWidth',
  );
}
