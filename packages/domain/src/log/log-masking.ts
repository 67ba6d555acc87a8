import { maskEmail } from '../email/email-address';
import { maskPhone } from '../phone/phone-number';
import type { LogFields } from './logger';

/** What replaces a secret or a content; the key stays, to show it was there. */
export const LOG_REDACTED = '[redacted]';

/** Secrets: any key that contains one of these words (`smtpPassword`…). */
const SECRET_KEY =
  /password|passwd|^pass$|secret|token|api[-_]?key|authorization|cookie/i;

/** Contents that may carry personal data or a client's own words. */
const CONTENT_KEY =
  /^(body|text|html|renderedtext|subject|content|attachments)$/i;

/** Phone numbers and addresses, kept recognisable but not readable. */
const CONTACT_KEY = new RegExp(
  '^(phone|mobile|msisdn|number|to|recipients?|email|address|from|cc|bcc|' +
    'replyto|copyaddress)$',
  'i',
);

/** `claire.durand@example.org`, also inside a provider's error message. */
const EMAIL_IN_TEXT = /[\w.%+'-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+/gi;

/**
 * `+33612345678`, `0033 6 12…` or `06 12 34 56 78` inside a text. Dashes
 * are not separators here, so that the digits of a UUID never match.
 */
const PHONE_IN_TEXT =
  /(?<![\w.+-])(?:(?:\+|00)[1-9](?:[ .]?\d){7,13}|0[1-9](?:[ .]?\d\d){4})(?!\w)/g;

/** Deeper values are cut: log fields are flat by convention. */
const MAX_DEPTH = 6;

/**
 * Hides what must never reach a log line, before it is written: secrets
 * and contents are replaced by `[redacted]`, phone numbers and e-mail
 * addresses are masked (`+33 6 ** ** ** 78`, `c***@example.org`) under a
 * contact key or inside any text. Identifiers (`messageId`, `shopId`…)
 * pass unchanged.
 *
 * @example maskLogFields({ to: '+33612345678', password: 'x' })
 * // { to: '+33 6 ** ** ** 78', password: '[redacted]' }
 */
export function maskLogFields(fields: LogFields): LogFields {
  return maskObject(fields, 0);
}

/** Masks every phone number and e-mail address found in `text`. */
export function maskLogText(text: string): string {
  return text
    .replace(EMAIL_IN_TEXT, (address) => maskEmail(address))
    .replace(PHONE_IN_TEXT, (phone) =>
      maskPhone(phone.replace(/[ .]/g, '').replace(/^00/, '+')),
    );
}

function maskObject(fields: object, depth: number): LogFields {
  const masked: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    masked[key] = maskEntry(key, value, depth);
  }
  return masked;
}

function maskEntry(key: string, value: unknown, depth: number): unknown {
  if (value === null || value === undefined) return value;
  if (SECRET_KEY.test(key) || CONTENT_KEY.test(key)) return LOG_REDACTED;
  if (CONTACT_KEY.test(key) && typeof value === 'string') {
    return maskContact(value);
  }
  return maskValue(value, depth);
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskLogText(value);
  if (typeof value !== 'object' || value === null || value instanceof Date) {
    return value;
  }
  // Binary content (a document, an e-mail's bytes) is never logged.
  if (depth >= MAX_DEPTH || ArrayBuffer.isView(value)) return LOG_REDACTED;
  if (value instanceof Error) {
    return { name: value.name, message: maskLogText(value.message) };
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => maskValue(item, depth + 1));
  }
  return maskObject(value, depth + 1);
}

/** A value under a contact key: whatever its form, it is hidden. */
function maskContact(value: string): string {
  if (value.includes('@')) return maskEmail(value);
  return /\d{6}/.test(value.replace(/\D/g, '')) ? maskPhone(value) : '***';
}
