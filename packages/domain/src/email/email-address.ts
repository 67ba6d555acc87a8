/** Why a typed e-mail address is refused. */
export type EmailRejection = 'empty' | 'invalid';

/** The outcome of {@link normalizeEmail}. */
export type EmailResult =
  { ok: true; address: string } | { ok: false; reason: EmailRejection };

// RFC 5321 section 4.5.3.1 limits, in octets.
const MAX_LOCAL_LENGTH = 64;
const MAX_ADDRESS_LENGTH = 254;
const MAX_LABEL_LENGTH = 63;

// RFC 5322 atext, plus letters and digits of any script (RFC 6531).
const ATOM = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/**
 * Checks an e-mail address as staff type it and returns it trimmed, with
 * the domain lower-cased (the local part is left alone: its case may
 * matter to the receiving server). Refuses a missing or repeated `@`,
 * spaces, a domain without a dot, empty or consecutive dots, and parts
 * beyond the RFC 5321 limits (64 for the local part, 254 in all). Quoted
 * local parts and IP literals are refused too: shops do not use them.
 *
 * @example normalizeEmail(' Claire.Dupont@Example.ORG ')
 * // { ok: true, address: 'Claire.Dupont@example.org' }
 */
export function normalizeEmail(input: string): EmailResult {
  const typed = input.trim();
  if (typed === '') return { ok: false, reason: 'empty' };

  const at = typed.lastIndexOf('@');
  if (at <= 0) return { ok: false, reason: 'invalid' };

  const local = typed.slice(0, at);
  const domain = typed.slice(at + 1).toLowerCase();
  const address = `${local}@${domain}`;

  const valid =
    octets(address) <= MAX_ADDRESS_LENGTH &&
    isValidLocalPart(local) &&
    isValidDomain(domain);
  return valid ? { ok: true, address } : { ok: false, reason: 'invalid' };
}

/**
 * Hides an address for logs, keeping the first character and the domain.
 *
 * @example maskEmail('claire@example.org') // 'c***@example.org'
 */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';

  const first = Array.from(address)[0] ?? '';
  return `${first}***${address.slice(at)}`;
}

function isValidLocalPart(local: string): boolean {
  return octets(local) <= MAX_LOCAL_LENGTH && LOCAL_PART.test(local);
}

function isValidDomain(domain: string): boolean {
  const labels = domain.split('.');
  const topLevel = labels[labels.length - 1] ?? '';

  return (
    labels.length >= 2 && labels.every(isValidLabel) && !/^\d+$/.test(topLevel)
  );
}

function isValidLabel(label: string): boolean {
  return octets(label) <= MAX_LABEL_LENGTH && DOMAIN_LABEL.test(label);
}

function octets(text: string): number {
  return new TextEncoder().encode(text).length;
}
