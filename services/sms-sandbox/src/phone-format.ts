// E.164: a plus, no leading zero, at most 15 digits in all.
const INTERNATIONAL_NUMBER = /^\+[1-9]\d{6,14}$/;

/** True for a number in international (E.164) format, such as +33600000000. */
export function isInternationalNumber(number: string): boolean {
  return INTERNATIONAL_NUMBER.test(number);
}
