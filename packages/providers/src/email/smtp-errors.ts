import { DeliveryError } from '@optic/domain';
import type { DeliveryErrorCode } from '@optic/domain';

const PROVIDER = 'smtp';

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}

/**
 * The one place that reads nodemailer's errors. SMTP 4xx replies and
 * connection failures retry; 5xx replies fail at once. A 5xx at RCPT is
 * `INVALID_RECIPIENT` (the address itself is refused, and gets suppressed)
 * only when the reply says so: an enhanced status `5.1.x` or `5.2.1`, or a
 * bare 550/551/553; a policy refusal (`5.7.x`) is `PROVIDER_REJECTED`.
 * `secrets` (the SMTP password and what AUTH sends for it) are blanked out
 * of the reply kept for the history, whatever the server echoes.
 */
export function translateSmtpError(
  error: unknown,
  secrets: readonly string[] = [],
): DeliveryError {
  const raw = (
    typeof error === 'object' && error !== null ? error : {}
  ) as NodemailerError;
  const reply = redact(
    (raw.response ?? raw.message ?? 'SMTP error').trim(),
    secrets,
  );

  return new DeliveryError(classify(raw), reply, {
    channel: 'email',
    provider: PROVIDER,
    providerCode: raw.responseCode ? String(raw.responseCode) : raw.code,
    cause: error,
  });
}

function classify(raw: NodemailerError): DeliveryErrorCode {
  const status = raw.responseCode;
  if (raw.code === 'EAUTH') {
    return status !== undefined && status < 500
      ? 'PROVIDER_UNAVAILABLE'
      : 'AUTH_FAILED';
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return 'PROVIDER_UNAVAILABLE';
  }
  if (status !== undefined && status >= 500) {
    const atRecipient = raw.code === 'EENVELOPE' || raw.command === 'RCPT TO';
    return atRecipient && refusesAddress(status, raw.response ?? '')
      ? 'INVALID_RECIPIENT'
      : 'PROVIDER_REJECTED';
  }
  // A TLS handshake that fails (no STARTTLS, an untrusted certificate) is
  // the settings' fault: retrying will not change it.
  if (raw.code === 'ETLS') return 'PROVIDER_REJECTED';
  // Nodemailer refused the envelope itself (no recipient): our bug.
  if (raw.code === 'EENVELOPE') return 'PROVIDER_REJECTED';
  if (raw.code === 'ETIMEDOUT') return 'TIMEOUT';
  return 'PROVIDER_UNAVAILABLE';
}

// RFC 3463: class.subject.detail; subject 1 is about addresses, 2.1 a
// disabled mailbox.
const ENHANCED_STATUS = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})/;

function refusesAddress(status: number, response: string): boolean {
  const enhanced = ENHANCED_STATUS.exec(response);
  if (!enhanced) return status === 550 || status === 551 || status === 553;

  const [, , subject, detail] = enhanced;
  return subject === '1' || (subject === '2' && detail === '1');
}

/** Blanks each secret out of a text; empty secrets are ignored. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets
    .filter((secret) => secret.length > 0)
    .reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}
