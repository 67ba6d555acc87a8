import { z } from 'zod';
import type { Shop } from '@optic/db';

/** The SMS networks' rule for an alphanumeric sender: says which part failed. */
export const senderName = z
  .string()
  .min(3, 'at least 3 characters')
  .max(11, 'at most 11 characters')
  .regex(/^[A-Za-z0-9 ]+$/, 'only letters without accents, digits and spaces')
  .regex(/[A-Za-z]/, 'at least one letter');

export const timeZone = z
  .string()
  .refine(isTimeZone, 'an IANA time zone such as Europe/Paris');

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** A shop as the API shows it: secrets are never returned. */
export function shopView(shop: Shop): Record<string, unknown> {
  const { smtpPasswordEnc, smsProviderKeyEnc, ...visible } = shop;
  return {
    ...visible,
    smtpPasswordSet: isSet(smtpPasswordEnc),
    smsProviderKeySet: isSet(smsProviderKeyEnc),
  };
}

// A shop just inserted has `undefined` where a loaded one has `null`.
function isSet(sealed: string | null | undefined): boolean {
  return sealed !== null && sealed !== undefined;
}
