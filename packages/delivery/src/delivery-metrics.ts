/** What a delivery job reports about itself; counters, never identifiers. */
export interface DeliveryMetrics {
  /** A message reached a settled state (sent, rejected, failed, …). */
  messageSettled(channel: string, status: string, reason: string): void;
  /** One call to the provider (HTTP or SMTP) and how long it took. */
  providerRequest(
    channel: string,
    provider: string,
    outcome: string,
    seconds: number,
  ): void;
  /** An attempt failed and the job will run again. */
  retry(channel: string, code: string): void;
}

/** The default: records nothing. */
export const noDeliveryMetrics: DeliveryMetrics = {
  messageSettled: () => undefined,
  providerRequest: () => undefined,
  retry: () => undefined,
};
