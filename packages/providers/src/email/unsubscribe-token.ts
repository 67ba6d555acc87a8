import { createHmac, timingSafeEqual } from 'node:crypto';

const MAC_BYTES = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The token of a marketing e-mail's unsubscribe link: the message id and
 * an HMAC-SHA256 of it (128 bits kept) under the platform's secret, in
 * base64url. It names one message and cannot be made without the secret.
 *
 * @example unsubscribeToken('0b0c…', secret) // 'CwwA…' (43 characters)
 */
export function unsubscribeToken(messageId: string, secret: string): string {
  if (!UUID.test(messageId)) throw new Error('not a message id');
  const id = Buffer.from(messageId.replace(/-/g, ''), 'hex');
  return Buffer.concat([id, macOf(id, secret)]).toString('base64url');
}

/** The message id a token names, or null when it is not one of ours. */
export function readUnsubscribeToken(
  token: string,
  secret: string,
): string | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;

  const bytes = Buffer.from(token, 'base64url');
  // One token, one spelling: unused trailing bits must not make another.
  if (bytes.toString('base64url') !== token) return null;
  const id = bytes.subarray(0, 16);
  const mac = bytes.subarray(16);
  if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, macOf(id, secret))) {
    return null;
  }
  const hex = id.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

/** The link put in `List-Unsubscribe` and in the footer. */
export function unsubscribeUrl(
  baseUrl: string,
  messageId: string,
  secret: string,
): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/v1/unsubscribe/${unsubscribeToken(messageId, secret)}`;
}

function macOf(id: Buffer, secret: string): Buffer {
  return createHmac('sha256', secret)
    .update('unsubscribe:')
    .update(id)
    .digest()
    .subarray(0, MAC_BYTES);
}
