import type { Browser, Locator, Page } from 'playwright-core';
import {
  buyCredits,
  createShop,
  getMessage,
  sendMessage,
  createClient,
} from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { createShopKey } from '../security/security-support';
import { waitFor } from '../support/wait-for';
import { launchChromium, screenshot, signIn } from './console-browser';

// One part each: no signature, no STOP mention (transactional).
const NEWS = 'Nouvelle collection de montures chez %magasin.';

describe("the console's campaign controls", () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startTestStack({ campaignWorker: true });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(() => {
    stack.sandbox.configure({ latencyMs: 0, invalidNumbers: [] });
  });

  it('pauses a running campaign, which then sends nothing, and resumes it to 100 %', async () => {
    const { shopId, page } = await shopWithClients(300);
    // Slow sends, so that the campaign is still running when Pause is pressed.
    stack.sandbox.configure({ latencyMs: 150 });
    const card = await launch(page, 'Rentrée');
    const id = await campaignId(shopId, 'Rentrée');
    await waitFor(async () => (await sendsOf(id)).length >= 30);

    await card.getByRole('button', { name: 'Pause' }).click();
    await card.locator('.badge').getByText('En pause').waitFor();
    // Every job of the campaign lane runs, finds the campaign paused, and
    // sends nothing: once the lane is empty, nothing more can go out.
    await waitFor(() => laneEmptyAndSettled(id), { what: 'the lane to drain' });
    const sentWhilePaused = (await sendsOf(id)).length;
    const counts = await statusCounts(id);
    expect(counts.sent).toBe(sentWhilePaused);
    expect(counts.queued).toBe(300 - sentWhilePaused);
    await sendAtTheCounter(shopId);
    expect((await sendsOf(id)).length).toBe(sentWhilePaused);
    const bar = card.getByRole('progressbar');
    await waitFor(
      async () =>
        (await bar.getAttribute('aria-valuenow')) ===
        String(Math.floor((100 * sentWhilePaused) / 300)),
      { what: 'the bar to show the paused progress' },
    );
    expect(await card.getByRole('button', { name: 'Pause' }).count()).toBe(0);
    await screenshot(page, 'campaign-paused');

    stack.sandbox.configure({ latencyMs: 0 });
    await card.getByRole('button', { name: 'Reprendre' }).click();
    await waitFor(
      async () => (await bar.getAttribute('aria-valuenow')) === '100',
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'the progress bar to reach 100 %',
      },
    );

    expect(await card.locator('.badge').textContent()).toBe('Terminée');
    const sends = await sendsOf(id);
    expect(sends).toHaveLength(300);
    expect(new Set(sends).size).toBe(300);
    expect(await figures(card)).toMatchObject({ Envoyé: '300' });
  }, 90_000);

  it('cancels a running campaign after a confirmation: the rest is cancelled and its credit comes back', async () => {
    const { shopId, page } = await shopWithClients(300);
    stack.sandbox.configure({ latencyMs: 150 });
    const card = await launch(page, 'Portes ouvertes');
    const id = await campaignId(shopId, 'Portes ouvertes');
    await waitFor(async () => (await sendsOf(id)).length >= 30);

    await card.getByRole('button', { name: 'Annuler la campagne' }).click();
    const confirm = page.getByRole('dialog', {
      name: 'Annuler « Portes ouvertes » ?',
    });
    await confirm.getByRole('button', { name: 'Annuler la campagne' }).click();
    await card.locator('.badge').getByText('Annulée').waitFor();
    await waitFor(async () => {
      const counts = await statusCounts(id);
      return !counts.queued && !counts.sending;
    });

    const sent = (await sendsOf(id)).length;
    expect(await statusCounts(id)).toEqual({
      sent,
      cancelled: 300 - sent,
    });
    expect(sent).toBeLessThan(300);
    // The card follows the sends that were under way when it was cancelled.
    await waitFor(
      async () => {
        const shown = await figures(card);
        return shown.Envoyé === String(sent) && !("En cours d'envoi" in shown);
      },
      { what: 'the report to settle' },
    );
    expect(await figures(card)).toMatchObject({
      Envoyé: String(sent),
      Annulé: String(300 - sent),
      'Crédits réservés': '300',
      'Crédits utilisés': String(sent),
      'Crédits rendus': String(300 - sent),
    });
    const credit = await stack.api.get(`/v1/shops/${shopId}/credit`);
    expect(credit.data.balance).toBe(310 - sent);
    expect(await card.getByRole('progressbar').count()).toBe(0);
    await screenshot(page, 'campaign-cancelled');
  }, 60_000);

  it('retries the failures once their cause is fixed, and never resends what was sent', async () => {
    const { shopId, page } = await shopWithClients(40);
    // insertClients numbers client n +3361000000n: two numbers refused.
    stack.sandbox.configure({
      invalidNumbers: ['+33610000007', '+33610000011'],
    });
    const card = await launch(page, 'Lentilles');
    const id = await campaignId(shopId, 'Lentilles');
    await card.locator('.badge').getByText('Terminée').waitFor();
    await waitFor(async () => (await figures(card))['Échec'] === '2');
    expect(await figures(card)).toMatchObject({ Envoyé: '38', Échec: '2' });
    const credit = await stack.api.get(`/v1/shops/${shopId}/credit`);
    // Refused outright by the provider: refunded.
    expect(credit.data.balance).toBe(50 - 38);

    stack.sandbox.configure({ invalidNumbers: [] });
    await card.getByRole('button', { name: 'Relancer les échecs' }).click();
    await status(card, '2 message(s) relancé(s).');
    await waitFor(
      async () =>
        (await card.locator('.badge').textContent()) === 'Terminée' &&
        (await figures(card)).Envoyé === '40',
      { what: 'the retried campaign to complete' },
    );

    expect(await statusCounts(id)).toEqual({ sent: 40 });
    const sends = await sendsOf(id);
    expect(sends).toHaveLength(40);
    expect(new Set(sends).size).toBe(40);
    expect(
      await card.getByRole('button', { name: 'Relancer les échecs' }).count(),
    ).toBe(0);
  }, 60_000);

  /**
   * A shop with `clients` clients, credit for each and ten more (for a
   * send at the counter), and its manager signed in.
   */
  async function shopWithClients(clients: number) {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, clients + 10);
    await insertClients(stack.db.dataSource, shopId, clients);
    await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Nouveautés',
      body: NEWS,
      kind: 'transactional',
    });
    const key = await createShopKey(stack, shopId, 'manager');
    const page = await signIn(browser, stack, key.key);
    await page.getByRole('link', { name: 'Campagnes' }).click();
    return { shopId, page };
  }

  async function campaignId(shopId: string, name: string): Promise<string> {
    const list = await stack.api.get(`/v1/shops/${shopId}/campaigns`);
    return list.data.items.find((c: { name: string }) => c.name === name).id;
  }

  /** The sandbox's sends of this campaign's messages, by request id. */
  async function sendsOf(id: string): Promise<string[]> {
    const rows: { id: string }[] = await stack.db.dataSource.query(
      'SELECT id FROM message WHERE campaign_id = $1',
      [id],
    );
    const ours = new Set(rows.map((r) => r.id));
    return stack.sandbox
      .messages()
      .map((m) => m.requestId)
      .filter(
        (requestId): requestId is string =>
          requestId !== null && ours.has(requestId),
      );
  }

  async function statusCounts(id: string): Promise<Record<string, number>> {
    const rows: { status: string; n: number }[] =
      await stack.db.dataSource.query(
        'SELECT status, count(*)::int AS n FROM message WHERE campaign_id = $1 GROUP BY status',
        [id],
      );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  async function laneEmptyAndSettled(id: string): Promise<boolean> {
    const lane = stack.producer.queue('sms', 'campaign');
    const jobs = await lane.getJobCounts(
      'waiting',
      'active',
      'delayed',
      'prioritized',
    );
    const left = Object.values(jobs).reduce((a, b) => a + b, 0);
    return left === 0 && !(await statusCounts(id)).sending;
  }

  /**
   * An SMS sent at the counter goes out through the same SMS worker: the
   * worker is alive, and what stopped is the campaign.
   */
  async function sendAtTheCounter(shopId: string): Promise<void> {
    const clientId = await createClient(stack.api, shopId, {
      mobile: '07 81 99 99 99',
    });
    const message = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lunettes sont prêtes.',
    });
    await waitFor(
      async () =>
        (await getMessage(stack.api, shopId, message)).status === 'sent',
      { what: 'the counter SMS to be sent' },
    );
  }
});

/** Creates a campaign to every client in the form, and launches it now. */
async function launch(page: Page, name: string): Promise<Locator> {
  await page.getByLabel('Nom', { exact: true }).fill(name);
  await page
    .getByLabel('Message prédéfini')
    .selectOption({ label: 'SMS · Nouveautés' });
  await page.getByLabel('Tous les clients').check();
  await page.getByRole('button', { name: 'Créer la campagne' }).click();
  const card = page.getByRole('article', { name: new RegExp(name) });
  await card.getByRole('button', { name: 'Lancer maintenant' }).click();
  await card.getByRole('progressbar').waitFor();
  return card;
}

function status(within: Locator, text: string): Promise<void> {
  return within.getByRole('status').filter({ hasText: text }).waitFor();
}

/** A card's figures, term by term. */
async function figures(card: Locator): Promise<Record<string, string>> {
  const terms = await card.locator('dt').allTextContents();
  const values = await card.locator('dd').allTextContents();
  return Object.fromEntries(terms.map((term, i) => [term, values[i] ?? '']));
}
