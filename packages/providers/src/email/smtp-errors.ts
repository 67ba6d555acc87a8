import { DeliveryError } from '@optic/domain';
import type { DeliveryErrorCode } from '@optic/domain';

const PROVIDER = 'smtp';

const TRANSIENT_CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
]);

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/**
 * The one place that reads nodemailer's errors: SMTP 4xx replies and
 * connection failures retry, 5xx replies fail at once (a 5xx at RCPT means
 * the address itself is refused).
 */
export function translateSmtpError(error: unknown): DeliveryError {
  const raw = (
    typeof error === 'object' && error !== null ? error : {}
  ) as NodemailerError;
  const reply = raw.response ?? raw.message ?? 'SMTP error';
  const code = classify(raw);

  return new DeliveryError(code, reply, {
    channel: 'email',
    provider: PROVIDER,
    providerCode: raw.responseCode ? String(raw.responseCode) : raw.code,
    cause: error,
  });
}

function classify(raw: NodemailerError): DeliveryErrorCode {
  if (raw.code === 'EAUTH') return 'AUTH_FAILED';

  const status = raw.responseCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return 'PROVIDER_UNAVAILABLE';
  }
  if (status !== undefined && status >= 500) {
    const atRecipient = raw.code === 'EENVELOPE' || raw.command === 'RCPT TO';
    return atRecipient ? 'INVALID_RECIPIENT' : 'PROVIDER_REJECTED';
  }
  if (raw.code && TRANSIENT_CONNECTION_CODES.has(raw.code)) {
    return raw.code === 'ETIMEDOUT' ? 'TIMEOUT' : 'PROVIDER_UNAVAILABLE';
  }
  return 'PROVIDER_UNAVAILABLE';
}
