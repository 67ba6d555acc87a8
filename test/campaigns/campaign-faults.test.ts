import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { insertClients } from '../support/bulk-clients';
import { TEST_REDIS_URL } from '../support/test-env';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '../..');

describe('a campaign launched twice while its fan-out worker is killed', () => {
  let stack: TestStack;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ campaignWorker: false });
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null)
        child.kill('SIGKILL');
    await stack.close();
  });

  function spawnCampaignWorker(): ChildProcess {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'workers/campaign/src/main.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: stack.db.url,
          REDIS_URL: TEST_REDIS_URL,
          QUEUE_PREFIX: stack.redisPrefix,
          CAMPAIGN_CHECK_INTERVAL_MS: '200',
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    children.push(child);
    return child;
  }

  it('gives exactly one message and one delivery per client', async () => {
    const shopId = await createShop(stack.api, { smsSignature: undefined });
    await buyCredits(stack.api, shopId, 5000);
    await insertClients(stack.db.dataSource, shopId, 5000);
    const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Soldes',
      body: 'Soldes chez Optique Lumière',
      kind: 'transactional',
    });
    const created = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
      name: 'Soldes',
      templateId: template.data.id,
      audience: { all: true },
    });
    const id = created.data.id;
    const first = spawnCampaignWorker();

    const launches = await Promise.all(
      [1, 2].map(() =>
        stack.api.post(`/v1/shops/${shopId}/campaigns/${id}/launch`, {}),
      ),
    );
    expect(launches.map((r) => r.status)).toEqual([200, 200]);

    await waitFor(
      async () => {
        const rows: { recipients: number }[] = await stack.db.dataSource.query(
          'SELECT recipients FROM campaign WHERE id = $1',
          [id],
        );
        return rows[0]!.recipients >= 2000;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 5,
        what: 'the fan-out to pass its second page',
      },
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const writtenWhenKilled: { recipients: number }[] =
      await stack.db.dataSource.query(
        'SELECT recipients FROM campaign WHERE id = $1',
        [id],
      );
    expect(writtenWhenKilled[0]!.recipients).toBeLessThan(5000);
    spawnCampaignWorker();

    await waitFor(
      async () =>
        (await stack.api.get(`/v1/shops/${shopId}/campaigns/${id}`)).data
          .status === 'completed',
      {
        timeoutMs: 120_000,
        what: 'the campaign to complete',
      },
    );

    const perClient: { n: string }[] = await stack.db.dataSource.query(
      'SELECT count(*) AS n FROM message WHERE campaign_id = $1 GROUP BY client_id HAVING count(*) > 1',
      [id],
    );
    expect(perClient).toEqual([]);
    const total: { n: string }[] = await stack.db.dataSource.query(
      'SELECT count(*) AS n FROM message WHERE campaign_id = $1',
      [id],
    );
    expect(Number(total[0]!.n)).toBe(5000);
    const numbers = stack.sandbox
      .messages()
      .map((m) => m.recipients[0]!.phone_number);
    expect(numbers).toHaveLength(5000);
    expect(new Set(numbers).size).toBe(5000);
    const reservations: unknown[] = await stack.db.dataSource.query(
      `SELECT 1 FROM credit_ledger WHERE campaign_id = $1 AND kind = 'reservation'`,
      [id],
    );
    expect(reservations).toHaveLength(1);
  }, 200_000);
});

describe('a counter send during a running campaign', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  it('reaches sent while at least half of the campaign is not final', async () => {
    const shopId = await createShop(stack.api, { smsSignature: undefined });
    await buyCredits(stack.api, shopId, 4001);
    await insertClients(stack.db.dataSource, shopId, 4000);
    const template = await stack.api.post(`/v1/shops/${shopId}/templates`, {
      channel: 'sms',
      label: 'Soldes',
      body: 'Soldes',
      kind: 'transactional',
    });
    const campaign = await stack.api.post(`/v1/shops/${shopId}/campaigns`, {
      name: 'Soldes',
      templateId: template.data.id,
      audience: { all: true },
    });
    stack.sandbox.configure({ latencyMs: 15 });
    await stack.api.post(
      `/v1/shops/${shopId}/campaigns/${campaign.data.id}/launch`,
      {},
    );
    await waitFor(async () => stack.sandbox.messages().length >= 50);
    const clientId = await createClient(stack.api, shopId, {
      mobile: '07 81 99 99 98',
    });

    const started = Date.now();
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lunettes sont prêtes',
    });
    await waitFor(
      async () => (await getMessage(stack.api, shopId, id)).status === 'sent',
      { intervalMs: 10 },
    );
    const elapsed = Date.now() - started;

    const progress = (
      await stack.api.get(`/v1/shops/${shopId}/campaigns/${campaign.data.id}`)
    ).data.progress;
    expect(progress.final).toBeLessThanOrEqual(2000);
    console.log(
      `counter send final after ${elapsed} ms, with ${progress.final} of 4000 campaign messages final`,
    );
    stack.sandbox.configure({ latencyMs: 0 });
  }, 120_000);
});
