import {
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import type { CountryCode, PhoneNumber } from 'libphonenumber-js/max';

/** Where a shop is, which decides how a national number is read. */
export interface PhoneRegion {
  /** ISO 3166 alpha-2 code of the shop's country, e.g. `FR`, `BE`, `GP`. */
  country: string;
  /**
   * For a French shop, its overseas department or collectivity (`GP`, `MQ`,
   * `GF`, `RE`, `YT`, `PM`, `BL`, `MF`, `NC`, `PF`, `WF`, with or without
   * an `FR-` prefix). Anything else is ignored.
   */
  region?: string;
}

/** Why a typed number cannot receive an SMS. */
export type PhoneRejection =
  'empty' | 'not_a_number' | 'not_mobile' | 'invalid';

/** The outcome of {@link normalizeMobile}. */
export type MobileResult =
  { ok: true; e164: string } | { ok: false; reason: PhoneRejection };

// Overseas territories with their own country calling code.
const FRENCH_OVERSEAS = new Set([
  'GP',
  'MQ',
  'GF',
  'RE',
  'YT',
  'PM',
  'BL',
  'MF',
  'NC',
  'PF',
  'WF',
]);

// These share the French ten-digit plan: a 0690 number dialled in Paris
// reaches Guadeloupe, a 06 number dialled in Guadeloupe reaches the
// metropolis. BL and MF use Guadeloupe's ranges.
const FRENCH_PLAN_ZONES: readonly CountryCode[] = [
  'FR',
  'GP',
  'MQ',
  'GF',
  'RE',
  'YT',
];
const FRENCH_PLAN_SHOPS = new Set<string>([...FRENCH_PLAN_ZONES, 'BL', 'MF']);

const MOBILE_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

const TYPED_NUMBER = /^\+?[\d\s.\-()/]+$/;

/**
 * Reads a mobile number as staff type it (spaces, dots, dashes, `+33`,
 * `0033`, `+33 (0)6`) and returns it in E.164. A national number is read in
 * the shop's country, and a French overseas shop reads it with its own
 * calling code; within the French ten-digit plan a number that only exists
 * in another department is found there. Landlines, VoIP (`09`), special
 * numbers, short numbers and letters are refused with the reason.
 *
 * @example normalizeMobile('0690 12 34 56', { country: 'FR', region: 'GP' })
 * // { ok: true, e164: '+590690123456' }
 */
export function normalizeMobile(
  input: string,
  region: PhoneRegion,
): MobileResult {
  const typed = input.trim();
  if (typed === '') return { ok: false, reason: 'empty' };
  if (!TYPED_NUMBER.test(typed) || !/\d/.test(typed)) {
    return { ok: false, reason: 'not_a_number' };
  }

  const number = parseValid(typed, defaultCountry(region));
  if (number === undefined) return { ok: false, reason: 'invalid' };

  if (!MOBILE_TYPES.has(number.getType() ?? '')) {
    return { ok: false, reason: 'not_mobile' };
  }
  return { ok: true, e164: number.number };
}

/**
 * Hides the middle of a phone number for logs, keeping the first three
 * digits and the last two.
 *
 * @example maskPhone('+33687123456') // '+33 6 ** ** ** 56'
 */
export function maskPhone(e164: string): string {
  const shown = parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
  const digitCount = shown.replace(/\D/g, '').length;
  const keepFirst = digitCount >= 8 ? 3 : 0;

  let seen = 0;
  return shown.replace(/\d/g, (digit) => {
    seen += 1;
    return seen <= keepFirst || seen > digitCount - 2 ? digit : '*';
  });
}

function defaultCountry(region: PhoneRegion): CountryCode | undefined {
  const country = region.country.trim().toUpperCase();
  const territory = region.region?.trim().toUpperCase().replace(/^FR-/, '');

  const chosen =
    country === 'FR' && territory && FRENCH_OVERSEAS.has(territory)
      ? territory
      : country;
  return isSupportedCountry(chosen) ? chosen : undefined;
}

function parseValid(
  typed: string,
  country: CountryCode | undefined,
): PhoneNumber | undefined {
  const number = parsePhoneNumberFromString(typed, country);
  if (number?.isValid()) return number;

  const inFrenchPlan = country !== undefined && FRENCH_PLAN_SHOPS.has(country);
  if (!inFrenchPlan || !isNationalFormat(typed)) return undefined;

  return FRENCH_PLAN_ZONES.map((zone) =>
    parsePhoneNumberFromString(typed, zone),
  ).find((candidate) => candidate?.isValid());
}

function isNationalFormat(typed: string): boolean {
  return !typed.startsWith('+') && !/^[\s(]*00/.test(typed);
}
