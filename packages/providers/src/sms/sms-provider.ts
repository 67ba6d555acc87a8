/** What the delivery pipeline asks of any SMS provider. */
export interface SmsSendRequest {
  /** Our message id: the provider's client reference / idempotency key. */
  reference: string;
  /** E.164 mobile number. */
  to: string;
  text: string;
  sender: string | null;
  kind: 'transactional' | 'marketing';
}

export interface SmsSendResult {
  /** The provider's id for the send, used to match delivery receipts. */
  providerId: string | null;
  /** True when the provider said it had already accepted this reference. */
  duplicate: boolean;
}

export interface SmsProvider {
  readonly name: string;
  /**
   * How long the provider documents that it refuses a repeated reference;
   * within it, resending after a crash cannot deliver twice.
   */
  readonly deduplicationWindowMs: number;
  send(request: SmsSendRequest): Promise<SmsSendResult>;
  close(): void;
}

/** What a delivery receipt says about a message. */
export type ReceiptOutcomeName = 'delivered' | 'failed' | 'pending';
