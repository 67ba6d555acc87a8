import type { ReceiptOutcomeName } from './sms-provider';

/**
 * What each documented Octopush receipt status means for the message.
 * ACK (first carrier), UNKNOWN_DELIVERY and UNDEFINED settle nothing.
 */
export const OCTOPUSH_RECEIPT_OUTCOMES: Record<string, ReceiptOutcomeName> = {
  DELIVERED: 'delivered',
  NOT_DELIVERED: 'failed',
  NOT_ALLOWED: 'failed',
  BAD_DESTINATION: 'failed',
  BLACKLISTED_NUMBER: 'failed',
  ACK: 'pending',
  UNKNOWN_DELIVERY: 'pending',
  UNDEFINED: 'pending',
};

export function octopushReceiptOutcome(status: string): ReceiptOutcomeName {
  return OCTOPUSH_RECEIPT_OUTCOMES[status.toUpperCase()] ?? 'pending';
}

/**
 * Octopush dates are `Y-m-d H:i:s` with no zone; we read them as UTC.
 * Returns null for anything else.
 */
export function parseOctopushDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(value);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const date = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
  // Date.UTC rolls `02-31` or `25:00` over into another day: refuse them.
  const exists =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo! - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return exists ? date : null;
}
