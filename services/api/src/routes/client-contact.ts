import { normalizeEmail, normalizeMobile } from '@optic/domain';
import type { PhoneRejection } from '@optic/domain';
import type { Shop } from '@optic/db';
import { ApiProblem } from '../http/problem';
import type { FieldError } from '../http/problem';

export type Checked<T> =
  { ok: true; value: T } | { ok: false; message: string };

/** A mobile read with the shop's country and region (an overseas shop's `0690…` is `+590…`). */
export function checkMobile(shop: Shop, typed: string): Checked<string> {
  const result = normalizeMobile(typed, {
    country: shop.country,
    region: shop.region ?? undefined,
  });
  return result.ok
    ? { ok: true, value: result.e164 }
    : { ok: false, message: mobileMessage(result.reason) };
}

export function checkEmail(typed: string): Checked<string> {
  const result = normalizeEmail(typed);
  return result.ok
    ? { ok: true, value: result.address }
    : { ok: false, message: 'not a deliverable e-mail address' };
}

export function mobileMessage(reason: PhoneRejection): string {
  switch (reason) {
    case 'not_mobile':
      return 'not a mobile number (a landline cannot receive SMS)';
    case 'not_a_number':
      return 'not a phone number';
    case 'empty':
      return 'empty';
    default:
      return "not a valid phone number for the shop's country";
  }
}

/**
 * Mobile and e-mail as typed, checked and normalised; an empty string or
 * null clears the field, undefined leaves it alone. Throws a 422 naming
 * each bad field (`invalid_mobile`, `invalid_email`, or `invalid_contact`
 * when both are bad).
 */
export function normalizeContact(
  shop: Shop,
  input: { mobile?: string | null; email?: string | null },
): { mobile?: string | null; email?: string | null } {
  const errors: (FieldError & { code: string })[] = [];
  const contact: { mobile?: string | null; email?: string | null } = {};

  for (const field of ['mobile', 'email'] as const) {
    const typed = input[field];
    if (typed === undefined) continue;
    if (typed === null || typed.trim() === '') {
      contact[field] = null;
      continue;
    }
    const checked =
      field === 'mobile' ? checkMobile(shop, typed) : checkEmail(typed);
    if (checked.ok) contact[field] = checked.value;
    else
      errors.push({
        path: field,
        message: checked.message,
        code: `invalid_${field}`,
      });
  }
  if (errors.length === 0) return contact;

  const code = errors.length === 1 ? errors[0]!.code : 'invalid_contact';
  throw new ApiProblem(
    422,
    code,
    errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors.map(({ path, message }) => ({ path, message })),
  );
}
