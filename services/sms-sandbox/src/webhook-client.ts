import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

import type { LogFields, Logger } from '@optic/domain';

/** How the sandbox posts callbacks. */
export interface WebhookClientOptions {
  logger: Logger;
  /** Attempts before a callback is dropped. @defaultValue 4 */
  attempts?: number;
  /** Wait before the first retry, doubled each time. @defaultValue 100 */
  backoffMs?: number;
  /** Socket inactivity allowed per attempt. @defaultValue 2000 */
  timeoutMs?: number;
}

/**
 * Posts JSON callbacks with a short retry, then drops them. One client per
 * sandbox, so that reset and close can cut every pending post at once.
 */
export class WebhookClient {
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });
  private controller = new AbortController();
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: WebhookClientOptions) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 100;
    this.timeoutMs = options.timeoutMs ?? 2000;
  }

  /** Resolves true once the receiver answered 2xx, false when dropped. */
  async post(
    url: string,
    payload: object,
    fields: LogFields,
  ): Promise<boolean> {
    const target = new URL(url);
    const body = JSON.stringify(payload);
    const { signal } = this.controller;

    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      if (attempt > 1 && !(await this.backOff(attempt - 1, signal))) {
        return false;
      }

      if (await this.tryOnce(target, body, signal, { ...fields, attempt })) {
        return true;
      }
    }

    if (signal.aborted) return false;

    // The host only: a callback URL may carry a token.
    this.options.logger.warn('callback dropped', {
      ...fields,
      host: target.host,
    });

    return false;
  }

  /** Abandons every pending post; later posts go ahead. */
  cancelAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  destroy(): void {
    this.controller.abort();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async tryOnce(
    url: URL,
    body: string,
    signal: AbortSignal,
    fields: LogFields,
  ): Promise<boolean> {
    try {
      const status = await this.send(url, body, signal);

      if (status >= 200 && status < 300) return true;

      this.options.logger.debug('callback refused', { ...fields, status });
    } catch (error) {
      this.options.logger.debug('callback failed', {
        ...fields,
        error: error instanceof Error ? error.message : String(error),
      });
    }

    return false;
  }

  // False when the wait was cut short by reset or close.
  private async backOff(retry: number, signal: AbortSignal): Promise<boolean> {
    try {
      await sleep(this.backoffMs * 2 ** (retry - 1), undefined, { signal });

      return true;
    } catch {
      return false;
    }
  }

  private send(url: URL, body: string, signal: AbortSignal): Promise<number> {
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request(url, {
      method: 'POST',
      agent: secure ? this.httpsAgent : this.httpAgent,
      signal,
      timeout: this.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });

    return new Promise((resolve, reject) => {
      request.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
      request.end(body);
    });
  }
}
