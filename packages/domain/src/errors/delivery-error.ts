/**
 * The closed list of ways a delivery can fail. Each adapter translates its
 * raw outcome into one of these in a single function; nothing else in the
 * code base inspects provider errors.
 */
export const DELIVERY_ERROR_CODES = {
  INVALID_RECIPIENT: { retryable: false },
  PROVIDER_REJECTED: { retryable: false },
  AUTH_FAILED: { retryable: false },
  TEMPLATE_FAILED: { retryable: false },
  RATE_LIMITED: { retryable: true },
  PROVIDER_UNAVAILABLE: { retryable: true },
  TIMEOUT: { retryable: true },
} as const;

export type DeliveryErrorCode = keyof typeof DELIVERY_ERROR_CODES;

export type Channel = 'sms' | 'email';

export interface DeliveryErrorOptions {
  channel: Channel;
  provider: string;
  /** The provider's own code or reply, kept for the history (no secrets). */
  providerCode?: string;
  /** For RATE_LIMITED: how long the provider asked us to wait. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A failed delivery attempt, typed as retryable or permanent. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly code: DeliveryErrorCode;
  readonly retryable: boolean;
  readonly channel: Channel;
  readonly provider: string;
  readonly providerCode?: string;
  readonly retryAfterMs?: number;

  constructor(
    code: DeliveryErrorCode,
    message: string,
    options: DeliveryErrorOptions,
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.retryable = DELIVERY_ERROR_CODES[code].retryable;
    this.channel = options.channel;
    this.provider = options.provider;
    this.providerCode = options.providerCode;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isDeliveryError(value: unknown): value is DeliveryError {
  return value instanceof DeliveryError;
}
