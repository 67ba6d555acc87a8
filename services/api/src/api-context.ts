import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { Clock, Logger, SecretBox } from '@optic/domain';
import type { CampaignService } from '@optic/delivery';
import type { DocumentStore, PrivateSmtpHosts } from '@optic/providers';
import type { MessageProducer } from '@optic/queue';
import type { RateLimitSettings } from './auth/rate-limit';

/** What every route needs, built once per process by main.ts or a test. */
export interface ApiContext {
  dataSource: DataSource;
  producer: MessageProducer;
  campaigns: CampaignService;
  documents: DocumentStore;
  clock: Clock;
  logger: Logger;
  /** Seals secrets given to the API; null when SECRET_KEY is not set. */
  secrets: SecretBox | null;
  /** Shared secret carried by provider callbacks (`?token=`). */
  webhookToken: string;
  /**
   * How old a callback's own date may be before it is refused as a replay.
   * @defaultValue 24
   */
  webhookReplayWindowHours?: number;
  limits: {
    /** Largest uploaded document, in bytes. */
    documentBytes: number;
  };
  /** Requests per API key; null turns the limit off. */
  rateLimit: RateLimitSettings | null;
  email: ApiEmailSettings;
  /**
   * Queues shown on the dashboard and in `/metrics`, besides the
   * producer's message queues (the campaign fan-out queue).
   * @defaultValue none
   */
  extraQueues?: Queue[];
}

/** The e-mail channel's settings in the API. */
export interface ApiEmailSettings {
  /** Signs and checks the one-click unsubscribe tokens. */
  unsubscribeSecret: string;
  /** The API's public address, at the start of unsubscribe links. */
  publicBaseUrl: string;
  /** Largest total size of the documents attached to one e-mail. */
  attachmentBytes: number;
  /** Log whole SMTP conversations of settings checks at `debug`. */
  smtpDebug: boolean;
  /**
   * Whether shops' own SMTP servers may be internal addresses.
   * @defaultValue `deny`
   */
  privateSmtpHosts?: PrivateSmtpHosts;
}
