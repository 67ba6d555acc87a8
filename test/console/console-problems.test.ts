import type { Browser, Page } from 'playwright-core';
import { buyCredits, createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { createShopKey } from '../security/security-support';
import {
  launchChromium,
  openClient,
  openLogin,
  signIn,
  typeKey,
} from './console-browser';

describe("the console's refusals, proofs and figures, in French", () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    browser = await launchChromium();
    const shopId = await createShop(stack.api);
    // A purchase is at most a million credits.
    for (let i = 0; i < 4; i++) await buyCredits(stack.api, shopId, 999_999);
    // Created through the API without a salesperson: the platform's name.
    await createClient(stack.api, shopId, { salesperson: undefined });
    const key = await createShopKey(stack, shopId, 'manager');
    page = await signIn(browser, stack, key.key);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it.each([['clé-é'], ['oc_👓']])(
    'says a key with %s is invalid, not that the server is down',
    async (key) => {
      const login = await openLogin(browser, stack.apiUrl);
      await typeKey(login, key);

      const alert = login.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/^Clé invalide : /);
      await login.context().close();
    },
  );

  it('says once, in French, why a search cannot run', async () => {
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByLabel('Nom ou téléphone').fill('!!!');
    await page.getByLabel('Nom ou téléphone').press('Enter');

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.allTextContents()).toEqual([
      'Nom ou téléphone : tapez au moins une lettre ou un chiffre.',
    ]);
  });

  it('shows the consent proof with French words for the source and the system', async () => {
    await openClient(page, 'Durand');
    await page.locator('.consent').nth(1).waitFor();

    const lines = await page.locator('.consent').allTextContents();
    expect(lines.map((line) => line.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/SMS : oui \(le .*, en magasin, par le système\)/),
      expect.stringMatching(
        /emails : oui \(le .*, en magasin, par le système\)/,
      ),
    ]);
  });

  it('shows an unknown merge field once, in French, with the counter in its error state, and recovers on the next edit', async () => {
    await openClient(page, 'Durand');
    await page.getByRole('button', { name: 'Envoyer un SMS' }).click();
    const dialog = page.getByRole('dialog', { name: 'Envoyer un SMS' });
    const text = dialog.getByLabel('Contenu du message');
    const counter = dialog.locator('.counter-line');

    await text.fill('Bonjour %inconnu');
    await counter.getByText('Comptage impossible').waitFor();
    const refusal =
      "Contenu du message : le champ de fusion %inconnu n'existe pas.";
    expect(await dialog.getByRole('alert').allTextContents()).toEqual([
      refusal,
    ]);

    // Envoyer asks again: still one explanation, and nothing sent.
    await dialog.getByLabel('Vendeur').fill('Julie');
    await dialog.getByRole('button', { name: 'Envoyer' }).click();
    await counter.getByText('Comptage impossible').waitFor();
    expect(await dialog.getByRole('alert').allTextContents()).toEqual([
      refusal,
    ]);
    expect(await dialog.textContent()).not.toContain('unknown merge field');

    await text.fill('Bonjour %prenom');
    await counter.getByText('1 sms sera envoyé', { exact: false }).waitFor();
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(stack.sandbox.messages()).toHaveLength(0);
    await dialog.getByRole('button', { name: 'Fermer' }).click();
  });

  it('groups the thousands of the credit as French does', async () => {
    await page.getByRole('link', { name: 'Crédit SMS' }).click();

    // Intl's French grouping: a narrow no-break space.
    await page.getByText('Solde : 3\u202f999\u202f996').waitFor();
    expect(await page.locator('tbody td.number').allTextContents()).toEqual(
      Array(4).fill('+999\u202f999'),
    );
  });
});
