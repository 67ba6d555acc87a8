import http from 'node:http';
import type { AddressInfo } from 'node:net';

import express from 'express';
import { silentLogger, systemClock } from '@optic/domain';
import type { Clock, Logger } from '@optic/domain';

import { FaultScript, scriptRequestSchema } from './fault-script';
import type { ScriptedResponse } from './fault-script';
import { InboundForwarder, inboundReplySchema } from './inbound-forwarder';
import type { InboundReply, InboundResult } from './inbound-forwarder';
import { MessageStore } from './message-store';
import type { MessageFilter, SentMessage } from './message-store';
import { ReceiptDispatcher } from './receipt-dispatcher';
import { RequestHolder } from './request-holder';
import {
  DEFAULT_SANDBOX_CONFIG,
  mergeSandboxConfig,
  sandboxConfigPatchSchema,
} from './sandbox-config';
import type { SandboxConfig, SandboxConfigPatch } from './sandbox-config';
import { sandboxControlRouter } from './sandbox-control.route';
import type { SandboxControl } from './sandbox-control.route';
import { SandboxSettings } from './sandbox-settings';
import { SandboxStats } from './sandbox-stats';
import type { SandboxStatsSnapshot } from './sandbox-stats';
import { sendSmsRouter } from './send-sms.route';
import { SmsCampaignSender } from './sms-campaign-sender';
import { WebhookClient } from './webhook-client';

/** Options of {@link createSmsSandbox}. */
export interface SmsSandboxOptions {
  /** The `api-login` the sandbox accepts. */
  login: string;
  /** The `api-key` the sandbox accepts. */
  apiKey: string;
  /** Dates receipts, replies and records. @defaultValue systemClock */
  clock?: Clock;
  /** Receives lifecycle and callback failures. @defaultValue silentLogger */
  logger?: Logger;
  /**
   * The configuration the sandbox starts with and `reset()` returns to,
   * merged into the built-in one. @defaultValue DEFAULT_SANDBOX_CONFIG
   */
  defaults?: SandboxConfigPatch;
}

/** A running (or ready to run) Octopush sandbox. */
export interface SmsSandbox extends SandboxControl {
  /** Binds the server; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<{ url: string }>;
  /** Ends held requests and pending callbacks, then stops the server. */
  close(): Promise<void>;
}

/**
 * Creates an HTTP server that answers like Octopush's SMS API v1, with a
 * control API under `/_sandbox` to script faults and read what it received.
 *
 * @example
 * const sandbox = createSmsSandbox({ login: 'demo@optic.local', apiKey: 'k' });
 * const { url } = await sandbox.listen(0);
 */
export function createSmsSandbox(options: SmsSandboxOptions): SmsSandbox {
  return new SmsSandboxServer(options);
}

class SmsSandboxServer implements SmsSandbox {
  private readonly logger: Logger;
  private readonly settings: SandboxSettings;
  private readonly store = new MessageStore();
  private readonly faults = new FaultScript();
  private readonly counters = new SandboxStats();
  private readonly holder = new RequestHolder();
  private readonly webhooks: WebhookClient;
  private readonly receipts: ReceiptDispatcher;
  private readonly forwarder: InboundForwarder;
  private readonly sender: SmsCampaignSender;
  private server: http.Server | null = null;
  private closed = false;

  constructor(private readonly options: SmsSandboxOptions) {
    const clock = options.clock ?? systemClock;

    this.logger = options.logger ?? silentLogger;
    this.settings = new SandboxSettings(baselineConfig(options.defaults));
    this.webhooks = new WebhookClient({ logger: this.logger });
    this.receipts = new ReceiptDispatcher(this.webhooks, clock);
    this.forwarder = new InboundForwarder(
      this.webhooks,
      clock,
      this.store,
      this.settings,
    );
    this.sender = new SmsCampaignSender({
      settings: this.settings,
      store: this.store,
      receipts: this.receipts,
      clock,
      logger: this.logger,
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<{ url: string }> {
    if (this.server !== null || this.closed) {
      throw new Error('The sandbox is already listening or closed');
    }

    const server = http.createServer(this.app());

    this.server = server;
    await bind(server, port, host);

    const { port: bound } = server.address() as AddressInfo;
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
    this.logger.info('sms sandbox listening', { url });

    return { url };
  }

  async close(): Promise<void> {
    const server = this.server;

    this.server = null;
    this.closed = true;
    this.holder.releaseAll();
    this.receipts.cancelAll();
    this.webhooks.destroy();

    if (server === null) return;

    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.logger.info('sms sandbox closed');
  }

  config(): SandboxConfig {
    return this.settings.current();
  }

  configure(patch: SandboxConfigPatch): SandboxConfig {
    return this.settings.update(sandboxConfigPatchSchema.parse(patch));
  }

  script(responses: readonly ScriptedResponse[]): number {
    const parsed = scriptRequestSchema.parse({ responses });

    return this.faults.append(parsed.responses);
  }

  messages(filter?: MessageFilter): SentMessage[] {
    return this.store.find(filter);
  }

  stats(): SandboxStatsSnapshot {
    return this.counters.snapshot();
  }

  reset(): void {
    this.holder.releaseAll();
    this.receipts.cancelAll();
    this.webhooks.cancelAll();
    this.store.clear();
    this.faults.clear();
    this.counters.reset();
    this.settings.reset();
  }

  inbound(reply: InboundReply): InboundResult {
    return this.forwarder.forward(inboundReplySchema.parse(reply));
  }

  private app(): express.Express {
    const app = express();

    // Neither header earns its cost on a server meant to take load.
    app.disable('x-powered-by');
    app.disable('etag');
    app.use(
      sendSmsRouter({
        credentials: { login: this.options.login, apiKey: this.options.apiKey },
        settings: this.settings,
        script: this.faults,
        stats: this.counters,
        holder: this.holder,
        sender: this.sender,
        logger: this.logger,
      }),
    );
    app.use(sandboxControlRouter(this));
    app.use((_req, res) => {
      res.status(404).json({ code: 404, message: 'Not found' });
    });

    return app;
  }
}

function baselineConfig(defaults: SandboxConfigPatch = {}): SandboxConfig {
  const patch = sandboxConfigPatchSchema.parse(defaults);

  return mergeSandboxConfig(DEFAULT_SANDBOX_CONFIG, patch);
}

function bind(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
