/**
 * `npx tsx scripts/screenshot-dashboard.ts`: the README's picture of the
 * queue dashboard, taken in Debian's Chromium (`apt-get install chromium`).
 *
 * Starts the whole stack on loopback ports with a database and Redis prefix
 * of its own (the tests' stack), sends SMS and e-mails from the counter and
 * lets them finish, then slows the SMS sandbox down and launches a campaign
 * so that jobs are running and waiting; signs in at /admin/queues with an
 * admin key the way a person does (POST /admin/session sets the cookie) and
 * saves docs/screenshots/queue-dashboard.png, then opens GET
 * /v1/admin/overview with the key as a bearer header (Chromium's JSON view)
 * for docs/screenshots/admin-overview.png. Everything is dropped at the end.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import {
  buyCredits,
  createShop,
  getMessage,
  sendMessage,
} from '../test/support/api-fixtures';
import { insertClients } from '../test/support/bulk-clients';
import { startTestStack } from '../test/support/test-stack';
import type { TestStack } from '../test/support/test-stack';
import { waitFor } from '../test/support/wait-for';

const SCREENSHOTS = path.resolve(__dirname, '../docs/screenshots');
const DASHBOARD_PNG = path.join(SCREENSHOTS, 'queue-dashboard.png');
const OVERVIEW_PNG = path.join(SCREENSHOTS, 'admin-overview.png');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SMS_TEXT = 'Bonjour %prenom, vos lunettes sont prêtes chez %magasin.';

/** A shop with `count` consenting clients and credit to spare. */
async function seedShop(stack: TestStack, count: number) {
  const shopId = await createShop(stack.api);
  await buyCredits(stack.api, shopId, 2 * count);
  await insertClients(stack.db.dataSource, shopId, count);
  const rows: { id: string }[] = await stack.db.dataSource.query(
    'SELECT id FROM client WHERE shop_id = $1 ORDER BY last_name',
    [shopId],
  );
  return { shopId, clientIds: rows.map((row) => row.id) };
}

/** Queues an SMS to each client, and an e-mail to every third one. */
async function sendFromCounter(
  stack: TestStack,
  shopId: string,
  clientIds: string[],
) {
  const sent: string[] = [];
  for (const [i, clientId] of clientIds.entries()) {
    const sms = { channel: 'sms', clientId, body: SMS_TEXT };
    sent.push(await sendMessage(stack.api, shopId, sms));
    if (i % 3 !== 0) continue;
    const email = {
      channel: 'email',
      clientId,
      subject: 'Votre facture',
      body: '<p>Bonjour %prenom, voici votre facture.</p>',
    };
    sent.push(await sendMessage(stack.api, shopId, email));
  }
  return sent;
}

/** Launches an SMS campaign to every client of the shop. */
async function launchCampaign(stack: TestStack, shopId: string) {
  const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
    channel: 'sms',
    label: 'Renouvellement',
    body: 'Bonjour %prenom, pensez à renouveler vos lentilles.',
    kind: 'transactional',
  });
  const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
    name: 'Renouvellement',
    templateId: template.data.id,
    audience: { all: true },
  });
  const { id } = campaign.data as { id: string };
  const launch = await stack.api.post(
    `/v1/shops/${shopId}/campaigns/${id}/launch`,
    {},
  );
  if (launch.status !== 200) {
    throw new Error(`the campaign's launch answered ${launch.status}`);
  }
}

async function waitUntilSettled(
  stack: TestStack,
  shopId: string,
  ids: string[],
) {
  const pending = ['queued', 'sending'];
  await waitFor(
    async () => {
      for (const id of ids) {
        const message = await getMessage(stack.api, shopId, id);
        if (pending.includes(message.status)) return false;
      }
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'the counter sends to settle' },
  );
}

/** Lets the browser reach the stack on loopback only, nothing else. */
async function keepOnLoopback(context: BrowserContext): Promise<void> {
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return hostname === '127.0.0.1' ? route.continue() : route.abort();
  });
}

async function signIn(context: BrowserContext, stack: TestStack) {
  const key = stack.authorization.replace('Bearer ', '');
  const session = await context.request.post(`${stack.apiUrl}/admin/session`, {
    data: { key },
  });
  if (session.status() !== 204) {
    throw new Error(`POST /admin/session answered ${session.status()}`);
  }
}

async function screenshotDashboard(context: BrowserContext, stack: TestStack) {
  await signIn(context, stack);
  const page = await context.newPage();
  await page.goto(`${stack.apiUrl}/admin/queues`);
  await page.getByText('sms-counter').first().waitFor();
  await page.getByText('email-campaign').first().waitFor();
  await page.screenshot({ path: DASHBOARD_PNG, fullPage: true });
}

async function screenshotOverview(context: BrowserContext, stack: TestStack) {
  const page = await context.newPage();
  await page.setExtraHTTPHeaders({ Authorization: stack.authorization });
  const answer = await page.goto(`${stack.apiUrl}/v1/admin/overview`);
  if (answer?.status() !== 200) {
    throw new Error(`GET /v1/admin/overview answered ${answer?.status()}`);
  }
  // Chromium's Pretty-print box lives in a closed shadow root that selectors
  // cannot reach; it is the page's first focusable element.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.getByText('"runningCampaigns": [').first().waitFor();
  await page.screenshot({ path: OVERVIEW_PNG, fullPage: true });
}

async function takeScreenshots(stack: TestStack): Promise<void> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 720 },
    });
    await keepOnLoopback(context);
    await mkdir(SCREENSHOTS, { recursive: true });
    await screenshotDashboard(context, stack);
    await screenshotOverview(context, stack);
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const stack = await startTestStack();
  try {
    const { shopId, clientIds } = await seedShop(stack, 200);
    const counter = await sendFromCounter(
      stack,
      shopId,
      clientIds.slice(0, 20),
    );
    await waitUntilSettled(stack, shopId, counter);

    // A slow provider keeps the campaign's jobs running and waiting.
    stack.sandbox.configure({ latencyMs: 2000 });
    await launchCampaign(stack, shopId);
    const campaignLane = stack.producer.queue('sms', 'campaign');
    await waitFor(async () => (await campaignLane.getWaitingCount()) > 50, {
      what: 'campaign jobs waiting',
    });

    await takeScreenshots(stack);
    console.log(`saved ${path.relative(process.cwd(), SCREENSHOTS)}/*.png`);
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
