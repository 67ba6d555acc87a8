import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import axios from 'axios';
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Clock, LogFields, Logger } from '@optic/domain';
import { createSmsSandbox } from '@optic/sms-sandbox';
import type { SmsSandbox, SmsSandboxOptions } from '@optic/sms-sandbox';

export const LOGIN = 'demo@optic.local';
export const API_KEY = 'sandbox-key';
export const SEND_PATH = '/v1/public/sms-campaign/send';

export const AUTH_HEADERS = { 'api-login': LOGIN, 'api-key': API_KEY };

/** A sandbox on a free loopback port, with a client that never throws on status. */
export interface StartedSandbox {
  sandbox: SmsSandbox;
  url: string;
  http: AxiosInstance;
  send(body: unknown): Promise<AxiosResponse>;
}

export async function startSandbox(
  options: Partial<SmsSandboxOptions> & { clock?: Clock } = {},
): Promise<StartedSandbox> {
  const sandbox = createSmsSandbox({
    login: LOGIN,
    apiKey: API_KEY,
    ...options,
  });
  const { url } = await sandbox.listen(0);
  const client = loopbackClient(url);

  return {
    sandbox,
    url,
    http: client,
    send: (body) => client.post(SEND_PATH, body, { headers: AUTH_HEADERS }),
  };
}

/** axios against loopback only: no proxy, every status resolved. */
export function loopbackClient(baseURL: string): AxiosInstance {
  return axios.create({ baseURL, proxy: false, validateStatus: () => true });
}

/** A valid send body: premium, marketing, with the mandatory STOP mention. */
export function validSend(overrides: Record<string, unknown> = {}) {
  return {
    text: 'Vos lunettes sont prêtes. STOP au 30101',
    recipients: [{ phone_number: '+33600000001' }],
    type: 'sms_premium',
    sender: 'Optique',
    purpose: 'wholesale',
    ...overrides,
  };
}

/** Polls until `probe` returns something other than undefined or false. */
export async function waitFor<T>(
  probe: () => T | undefined | false,
  { timeoutMs = 5000, intervalMs = 10 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;

  for (;;) {
    const value = probe();

    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('waitFor: condition not met');

    await sleep(intervalMs);
  }
}

export interface RecordedCallback {
  path: string;
  body: Record<string, unknown>;
  status: number;
}

/** A local HTTP server that records the callbacks the sandbox posts. */
export interface CallbackRecorder {
  url(path: string): string;
  received(path?: string): RecordedCallback[];
  /** Statuses answered to the next posts, in order; 200 afterwards. */
  answerNext(...statuses: number[]): void;
  /** Status answered to every post from now on. */
  answerAlways(status: number): void;
  /** Forgets what was received and the statuses queued. */
  clear(): void;
  close(): Promise<void>;
}

export async function startCallbackRecorder(): Promise<CallbackRecorder> {
  const calls: RecordedCallback[] = [];
  const queued: number[] = [];
  let always = 200;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];

    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const status = queued.shift() ?? always;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));

      calls.push({ path: req.url ?? '', body, status });
      res.writeHead(status).end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) =>
      calls.filter((c) => path === undefined || c.path === path),
    answerNext: (...statuses) => queued.push(...statuses),
    answerAlways: (status) => {
      always = status;
    },
    clear: () => {
      calls.length = 0;
      queued.length = 0;
      always = 200;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: LogFields;
}

/** A Logger that keeps every entry, for assertions on what was logged. */
export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (msg: string, fields: LogFields = {}) => {
      entries.push({ level, msg, fields });
    };
  const logger = {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => logger,
  };

  return logger;
}
