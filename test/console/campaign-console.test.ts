import type { Browser, Page } from 'playwright-core';
import { shiftedClock } from '@optic/domain';
import { buyCredits, createShop } from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { createShopKey } from '../security/security-support';
import { waitFor } from '../support/wait-for';
import { launchChromium, screenshot, signIn } from './console-browser';

const RECIPIENTS = 500;

describe("the console's campaigns and credit", () => {
  // Friday 4 December 2026, 11:00 in Paris: inside the commercial window.
  const clock = shiftedClock(new Date('2026-12-04T10:00:00Z'));
  let stack: TestStack;
  let browser: Browser;
  let shopId: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startTestStack({ clock, campaignWorker: true });
    browser = await launchChromium();
    shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 600);
    await insertClients(stack.db.dataSource, shopId, RECIPIENTS);
    await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Soldes',
      body: "Soldes d'hiver : -20 % sur les montures chez %magasin.",
      kind: 'marketing',
    });
    const key = await createShopKey(stack, shopId, 'manager');
    page = await signIn(browser, stack, key.key);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('builds an audience, previews it, launches, and follows the progress to 100 %', async () => {
    await page.getByRole('link', { name: 'Campagnes' }).click();
    await page.getByLabel('Nom', { exact: true }).fill('Soldes de décembre');
    await page
      .getByLabel('Message prédéfini')
      .selectOption({ label: 'SMS · Soldes' });
    await page.getByLabel('Tous les clients').check();
    await page.getByRole('button', { name: 'Créer la campagne' }).click();

    const card = page.getByRole('article', { name: /Soldes de décembre/ });
    await card.getByText('Crédits nécessaires').waitFor();
    expect(await figures(card)).toMatchObject({
      Destinataires: '500',
      'Exclus sans consentement': '0',
      'Parties SMS': '500',
      'Crédits nécessaires': '500',
    });
    await screenshot(page, 'campaign-preview');

    await card.getByRole('button', { name: 'Lancer maintenant' }).click();
    const bar = card.getByRole('progressbar');
    await bar.waitFor();
    await waitFor(
      async () => (await bar.getAttribute('aria-valuenow')) === '100',
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'the progress bar to reach 100 %',
      },
    );

    expect(await card.locator('.badge').textContent()).toBe('Terminée');
    expect(await figures(card)).toMatchObject({
      Envoyé: String(RECIPIENTS),
      'Crédits utilisés': String(RECIPIENTS),
    });
    expect(stack.sandbox.messages()).toHaveLength(RECIPIENTS);
    await screenshot(page, 'campaign-done');
  }, 90_000);

  it('shows the balance and ledger, and records a purchase made elsewhere', async () => {
    await page.getByRole('link', { name: 'Crédit SMS' }).click();
    await page.getByText('Solde : 100').waitFor();

    await page.getByLabel('Crédits achetés').fill('250');
    await page.getByLabel('Note (facture, commande)').fill('Facture 2026-118');
    await page.getByRole('button', { name: 'Enregistrer' }).click();

    await page
      .getByRole('status')
      .filter({ hasText: 'Achat de 250 crédit(s) enregistré : solde 350.' })
      .waitFor();
    await page.getByText('Solde : 350').waitFor();
    const newest = page.getByRole('row').nth(1);
    expect(await newest.locator('td').allTextContents()).toEqual([
      expect.any(String),
      'Achat',
      '+250',
      'Facture 2026-118',
    ]);
    const credit = await stack.api.get(`/v1/shops/${shopId}/credit`);
    expect(credit.data.balance).toBe(350);
    // Every movement is listed: they add up to the balance.
    const amounts = await page.locator('tbody td.number').allTextContents();
    expect(amounts.reduce((sum, amount) => sum + Number(amount), 0)).toBe(350);
    await screenshot(page, 'credit');
  });
});

/** A card's figures, term by term. */
async function figures(card: ReturnType<Page['getByRole']>) {
  const terms = await card.locator('dt').allTextContents();
  const values = await card.locator('dd').allTextContents();
  return Object.fromEntries(terms.map((term, i) => [term, values[i]]));
}
