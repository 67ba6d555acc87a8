import type { AxiosInstance } from 'axios';

const FINAL = [
  'sent',
  'delivered',
  'failed',
  'rejected',
  'cancelled',
  'expired',
  'unknown',
];

export interface CounterSend {
  /** From the send request until the message was seen in a final state. */
  totalMs: number;
  /** The API's answer alone (202). */
  acceptedMs: number;
  status: string;
}

export interface CounterSendPlan {
  api: AxiosInstance;
  shopId: string;
  clientIds: string[];
  count: number;
  intervalMs: number;
  /** True once the campaign is over: no more sends are started. */
  stopped: () => boolean;
}

/**
 * Counter sends while a campaign runs, one every `intervalMs`, each
 * followed until it is `sent` or beyond (polled every 20 ms).
 */
export async function counterSendsDuring(
  plan: CounterSendPlan,
): Promise<CounterSend[]> {
  const results: CounterSend[] = [];
  for (let n = 0; n < plan.count && !plan.stopped(); n++) {
    await sleep(plan.intervalMs);
    if (plan.stopped()) break;
    const clientId = plan.clientIds[n % plan.clientIds.length]!;
    results.push(await counterSend(plan.api, plan.shopId, clientId));
  }
  return results;
}

async function counterSend(
  api: AxiosInstance,
  shopId: string,
  clientId: string,
): Promise<CounterSend> {
  const started = performance.now();
  const accepted = await api.post(`/v1/shops/${shopId}/messages`, {
    channel: 'sms',
    clientId,
    body: 'Bonjour %prenom, vos lunettes sont prêtes chez %magasin.',
    salesperson: 'Julie',
  });
  if (accepted.status !== 202)
    throw new Error(
      `counter send refused: ${accepted.status} ${JSON.stringify(accepted.data)}`,
    );
  const acceptedMs = performance.now() - started;

  for (;;) {
    const message = await api.get(
      `/v1/shops/${shopId}/messages/${accepted.data.id}`,
    );
    const status = String(message.data?.status);
    if (FINAL.includes(status))
      return { totalMs: performance.now() - started, acceptedMs, status };
    if (performance.now() - started > 120_000)
      return { totalMs: Infinity, acceptedMs, status };
    await sleep(20);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
