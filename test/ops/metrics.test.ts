import axios from 'axios';
import {
  buyCredits,
  createClient,
  createShop,
  getMessage,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';

/** `name{labels} value` lines of a Prometheus text exposition. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

function delta(
  before: Map<string, number>,
  after: Map<string, number>,
  prefix: string,
): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const [key, value] of after) {
    if (!key.startsWith(prefix)) continue;
    const change = value - (before.get(key) ?? 0);
    if (change !== 0) changes[key] = change;
  }
  return changes;
}

const PHONE = /(\+|\b0)\d[\d .]{7,}/;
const EMAIL = /[^\s"@]+@[^\s"@]+\.[a-z]{2,}/i;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function labelValues(text: string): string[] {
  return [...text.matchAll(/="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '');
}

describe('Prometheus metrics', () => {
  let stack: TestStack;
  let smsOps: string;
  const scrape = async (url: string) =>
    parseMetrics((await axios.get(`${url}/metrics`)).data as string);

  beforeAll(async () => {
    stack = await startTestStack({
      opsServers: true,
      retryPolicy: { attempts: 3, baseDelayMs: 50, maxDelayMs: 100 },
    });
    smsOps = stack.workers[0]!.opsUrl!;
  });

  afterEach(() => stack.sandbox.reset());

  afterAll(async () => {
    await stack?.close();
  });

  async function settled(shopId: string, id: string) {
    return waitFor(
      async () => {
        const m = await getMessage(stack.api, shopId, id);
        return ['queued', 'sending'].includes(m.status) ? undefined : m;
      },
      { what: `message ${id} to settle` },
    );
  }

  async function sendSms(shopId: string, clientId: string): Promise<void> {
    const id = await sendMessage(stack.api, shopId, {
      channel: 'sms',
      clientId,
      body: 'Vos lunettes sont prêtes.',
    });
    await settled(shopId, id);
  }

  it('counts a sent, a refused-consent and a no-credit SMS under exact labels', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 1);
    const consenting = await createClient(stack.api, shopId);
    const refusing = await createClient(stack.api, shopId, {
      smsConsent: false,
    });
    const before = await scrape(smsOps);

    await sendSms(shopId, consenting);
    await sendSms(shopId, refusing);
    await sendSms(shopId, consenting);
    const after = await scrape(smsOps);

    const p = 'process="worker-sms"';
    expect(delta(before, after, 'optic_messages_total')).toEqual({
      [`optic_messages_total{channel="sms",status="sent",reason="none",${p}}`]: 1,
      [`optic_messages_total{channel="sms",status="rejected",reason="no_consent",${p}}`]: 1,
      [`optic_messages_total{channel="sms",status="rejected",reason="insufficient_credit",${p}}`]: 1,
    });
    expect(delta(before, after, 'optic_credit_rejections_total')).toEqual({
      [`optic_credit_rejections_total{channel="sms",${p}}`]: 1,
    });
    expect(
      delta(before, after, 'optic_provider_request_duration_seconds_count'),
    ).toEqual({
      [`optic_provider_request_duration_seconds_count{${p},channel="sms",provider="octopush",outcome="success"}`]: 1,
    });
  });

  it('counts a retry by error code and the call that failed', async () => {
    const shopId = await createShop(stack.api);
    await buyCredits(stack.api, shopId, 5);
    const clientId = await createClient(stack.api, shopId);
    stack.sandbox.script([{ type: 'http', status: 503 }]);
    const before = await scrape(smsOps);

    await sendSms(shopId, clientId);
    const after = await scrape(smsOps);

    const p = 'process="worker-sms"';
    expect(delta(before, after, 'optic_delivery_retries_total')).toEqual({
      [`optic_delivery_retries_total{channel="sms",code="PROVIDER_UNAVAILABLE",${p}}`]: 1,
    });
    expect(
      delta(before, after, 'optic_provider_request_duration_seconds_count'),
    ).toEqual({
      [`optic_provider_request_duration_seconds_count{${p},channel="sms",provider="octopush",outcome="transient_error"}`]: 1,
      [`optic_provider_request_duration_seconds_count{${p},channel="sms",provider="octopush",outcome="success"}`]: 1,
    });
  });

  it('shows queue depth per queue and state, and Node event-loop lag', async () => {
    const worker = await scrape(smsOps);
    const api = parseMetrics((await stack.api.get('/metrics')).data as string);

    expect(
      worker.get(
        'optic_queue_jobs{queue="sms-counter",state="waiting",process="worker-sms"}',
      ),
    ).toBe(0);
    expect(
      worker.has('nodejs_eventloop_lag_seconds{process="worker-sms"}'),
    ).toBe(true);
    for (const queue of [
      'sms-counter',
      'sms-campaign',
      'email-counter',
      'email-campaign',
      'campaign-fanout',
    ]) {
      for (const state of [
        'waiting',
        'active',
        'delayed',
        'failed',
        'completed',
      ]) {
        expect(
          api.has(
            `optic_queue_jobs{queue="${queue}",state="${state}",process="api"}`,
          ),
        ).toBe(true);
      }
    }
    expect(
      api.get(
        'optic_queue_jobs{queue="sms-counter",state="completed",process="api"}',
      ),
    ).toBeGreaterThanOrEqual(4);
  });

  it('counts API requests by route pattern, never by path', async () => {
    const before = parseMetrics(
      (await stack.api.get('/metrics')).data as string,
    );
    const shopId = await createShop(stack.api);
    await stack.api.get(`/v1/shops/${shopId}`);
    const after = parseMetrics(
      (await stack.api.get('/metrics')).data as string,
    );

    expect(delta(before, after, 'optic_http_requests_total')).toEqual({
      'optic_http_requests_total{method="POST",route="/v1/shops",status="201",process="api"}': 1,
      'optic_http_requests_total{method="GET",route="/v1/shops/:shopId",status="200",process="api"}': 1,
      'optic_http_requests_total{method="GET",route="/metrics",status="200",process="api"}': 1,
    });
  });

  it('carries no phone number, address or id in any label', async () => {
    const texts = [
      (await stack.api.get('/metrics')).data as string,
      ...(await Promise.all(
        stack.workers.map(
          async (w) => (await axios.get(`${w.opsUrl}/metrics`)).data as string,
        ),
      )),
    ];

    const values = texts.flatMap(labelValues);
    expect(values.length).toBeGreaterThan(50);
    expect(
      values.filter((v) => PHONE.test(v) || EMAIL.test(v) || UUID.test(v)),
    ).toEqual([]);
  });

  it('answers /metrics on the API to an admin key only', async () => {
    const shopId = await createShop(stack.api);
    const key = (
      await stack.api.post(`/v1/shops/${shopId}/api-keys`, { role: 'manager' })
    ).data.key as string;

    const anonymous = await axios.get(`${stack.apiUrl}/metrics`, {
      validateStatus: () => true,
    });
    const manager = await axios.get(`${stack.apiUrl}/metrics`, {
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${key}` },
    });

    expect([anonymous.status, manager.status]).toEqual([401, 403]);
  });
});
