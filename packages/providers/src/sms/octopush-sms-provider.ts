import http from 'node:http';
import https from 'node:https';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import type {
  SmsProvider,
  SmsSendRequest,
  SmsSendResult,
} from './sms-provider';
import {
  translateOctopushError,
  OCTOPUSH_DUPLICATE_REQUEST,
} from './octopush-errors';

export interface OctopushOptions {
  /** `https://api.octopush.com` in production; the sandbox's URL here. */
  baseUrl: string;
  /** The account's `api-login` (an e-mail address). */
  login: string;
  apiKey: string;
  /**
   * Give up on a call after this long; the job is retried.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * `sms_premium` carries delivery receipts and replies.
   * @defaultValue 'sms_premium'
   */
  type?: 'sms_premium' | 'sms_low_cost';
  /**
   * Ask for recipients' replies (STOP and others) on the callback URL.
   * @defaultValue true
   */
  withReplies?: boolean;
}

interface OctopushSendResponse {
  sms_ticket: string;
}

/**
 * Octopush's send API (v1): one request per message, our message id as
 * `request_id`, which Octopush refuses to accept twice within 24 hours.
 */
export class OctopushSmsProvider implements SmsProvider {
  readonly name = 'octopush';
  readonly deduplicationWindowMs = 24 * 3600 * 1000;
  private readonly client: AxiosInstance;

  constructor(private readonly options: OctopushOptions) {
    this.client = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 10_000,
      // Provider calls never follow redirects: faster, and nothing surprising.
      maxRedirects: 0,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 64 }),
      headers: {
        'api-login': options.login,
        'api-key': options.apiKey,
        'content-type': 'application/json',
      },
    });
  }

  async send(request: SmsSendRequest): Promise<SmsSendResult> {
    try {
      const response = await this.client.post<OctopushSendResponse>(
        '/v1/public/sms-campaign/send',
        this.body(request),
      );
      return { providerId: response.data.sms_ticket, duplicate: false };
    } catch (error) {
      const translated = translateOctopushError(error);
      if (translated === OCTOPUSH_DUPLICATE_REQUEST) {
        return { providerId: null, duplicate: true };
      }
      throw translated;
    }
  }

  close(): void {
    this.client.defaults.httpAgent?.destroy();
    this.client.defaults.httpsAgent?.destroy();
  }

  private body(request: SmsSendRequest): Record<string, unknown> {
    return {
      text: request.text,
      recipients: [{ phone_number: request.to }],
      type: this.options.type ?? 'sms_premium',
      purpose: request.kind === 'marketing' ? 'wholesale' : 'alert',
      sender: request.sender ?? undefined,
      with_replies: this.options.withReplies ?? true,
      request_id: request.reference,
      // We count and charge the exact text; Octopush must not rewrite it.
      auto_optimize_text: false,
    };
  }
}
