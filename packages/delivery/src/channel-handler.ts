import type { EntityManager } from 'typeorm';
import type { DeliveryError } from '@optic/domain';
import type { Client, Message, Shop, Visit } from '@optic/db';

/** Everything a channel needs to render and send one message. */
export interface SendContext {
  message: Message;
  shop: Shop;
  client: Client | null;
  visit: Visit | null;
}

/** Why a message is refused before any provider call. */
export type RejectionReason =
  | 'client_missing'
  | 'no_consent'
  | 'no_recipient'
  | 'invalid_recipient'
  | 'suppressed'
  | 'empty_text'
  | 'too_long'
  | 'insufficient_credit'
  | 'document_missing';

export type Preparation =
  | { ok: false; reason: RejectionReason; detail: string }
  | {
      ok: true;
      recipient: string;
      renderedText: string;
      subject: string | null;
      encoding: string | null;
      segments: number | null;
      credits: number;
    };

export interface SendOutcome {
  providerId: string | null;
  duplicate: boolean;
}

/** One channel's rules: how to render, check and send a message. */
export interface ChannelHandler {
  readonly channel: 'sms' | 'email';
  readonly provider: string;

  /**
   * Renders and checks the message (consent, recipient, length); no I/O.
   * The suppression list is checked by the caller on the returned recipient.
   */
  prepare(context: SendContext): Preparation;

  /** Calls the provider with what `prepare` stored on the message. */
  send(context: SendContext): Promise<SendOutcome>;

  /**
   * When the message may go out at the earliest, if not now: marketing SMS
   * wait for the shop's sending window. Null means now.
   */
  notBefore(context: SendContext, now: Date): Date | null;

  /**
   * Whether a message whose previous provider call may have gone through
   * (a crash between call and record) can be sent again safely: only when
   * the provider documents that it refuses a repeated reference.
   */
  canResendAfterCrash(message: Message, now: Date): boolean;

  /**
   * Runs inside the transaction that records a permanent failure (not an
   * `unknown` outcome), e.g. to suppress an address the server refused.
   * Optional: a channel without it only gets the failure recorded.
   */
  onPermanentFailure?(
    manager: EntityManager,
    message: Message,
    error: DeliveryError,
    now: Date,
  ): Promise<void>;
}

export function reject(reason: RejectionReason, detail: string): Preparation {
  return { ok: false, reason, detail };
}
