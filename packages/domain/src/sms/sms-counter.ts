/** How an SMS travels: 7-bit GSM 03.38 or 16-bit UCS-2. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** A character that forced UCS-2, with its position counted in code points. */
export interface UnicodeCharacter {
  /** The character itself; an emoji is one character. */
  char: string;
  /** Its position in the text, in code points from 0. */
  index: number;
}

/** What the preview screen shows about one SMS text. */
export interface SmsCount {
  /** Length in code points: an emoji counts one. */
  characters: number;
  /** `UCS-2` as soon as one character is outside GSM 03.38. */
  encoding: SmsEncoding;
  /**
   * Septets for GSM-7 (an extension character costs two), UTF-16 code units
   * for UCS-2 (an emoji costs two).
   */
  units: number;
  /** Parts the network sends; 0 for an empty text. */
  segments: number;
  /** One credit per part. */
  credits: number;
  /** Every occurrence of a character outside GSM 03.38; empty for GSM-7. */
  unicodeCharacters: UnicodeCharacter[];
}

/**
 * The most parts a concatenated SMS can have (the part counter is one byte).
 * {@link countSms} still reports longer texts; callers refuse them.
 */
export const MAX_SMS_SEGMENTS = 255;

interface PartLimits {
  single: number;
  multi: number;
}

// A concatenated part loses room to the user data header (6 bytes).
const GSM_LIMITS: PartLimits = { single: 160, multi: 153 };
const UCS2_LIMITS: PartLimits = { single: 70, multi: 67 };

// 3GPP TS 23.038 default alphabet, without ESC (0x1B), which only
// introduces an extension character.
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

// Sent as ESC plus one septet.
const GSM_EXTENSION = '\f^{}\\[~]|€';

const SEPTETS: ReadonlyMap<string, number> = new Map([
  ...Array.from(GSM_BASIC, (char): [string, number] => [char, 1]),
  ...Array.from(GSM_EXTENSION, (char): [string, number] => [char, 2]),
]);

const TRANSLITERATIONS: ReadonlyMap<string, string> = new Map([
  ['ç', 'c'],
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['‘', "'"],
  ['’', "'"],
  ['‚', "'"],
  ['`', "'"],
  ['“', '"'],
  ['”', '"'],
  ['„', '"'],
  ['«', '"'],
  ['»', '"'],
  ['\u00a0', ' '],
  ['\u202f', ' '],
  ['\u2009', ' '],
  ['\t', ' '],
  ['\u2010', '-'],
  ['\u2011', '-'],
  ['–', '-'],
  ['—', '-'],
  ['…', '...'],
  // Latin letters that Unicode does not spell as a base letter and an
  // accent, so stripping accents cannot reach them (names of clients from
  // Poland, Croatia, Iceland or Turkey).
  ['Ð', 'D'],
  ['ð', 'd'],
  ['Đ', 'D'],
  ['đ', 'd'],
  ['Þ', 'Th'],
  ['þ', 'th'],
  ['Ħ', 'H'],
  ['ħ', 'h'],
  ['ı', 'i'],
  ['Ĳ', 'IJ'],
  ['ĳ', 'ij'],
  ['ĸ', 'k'],
  ['Ŀ', 'L'],
  ['ŀ', 'l'],
  ['Ł', 'L'],
  ['ł', 'l'],
  ['ŉ', "'n"],
  ['Ŋ', 'N'],
  ['ŋ', 'n'],
  ['Ŧ', 'T'],
  ['ŧ', 't'],
  ['ſ', 's'],
]);

/**
 * Counts an SMS exactly as the network splits it: GSM 03.38 with its
 * extension table (160 septets, 153 per concatenated part), otherwise UCS-2
 * (70 code units, 67 per part). An escape sequence or a surrogate pair that
 * would straddle two parts moves whole to the next one.
 *
 * @example countSms('Vos lunettes sont prêtes')
 * // encoding 'UCS-2', segments 1, unicodeCharacters [{ char: 'ê', index: 20 }]
 */
export function countSms(text: string): SmsCount {
  const chars = Array.from(text);
  const unicodeCharacters = findUnicodeCharacters(chars);
  const encoding: SmsEncoding =
    unicodeCharacters.length === 0 ? 'GSM-7' : 'UCS-2';

  const costs =
    encoding === 'GSM-7' ? chars.map(septetCost) : chars.map(codeUnitCost);
  const limits = encoding === 'GSM-7' ? GSM_LIMITS : UCS2_LIMITS;
  const segments = countSegments(costs, limits);

  return {
    characters: chars.length,
    encoding,
    units: sum(costs),
    segments,
    credits: segments,
    unicodeCharacters,
  };
}

/**
 * Replaces characters outside GSM 03.38 by their nearest GSM form so that an
 * SMS stays in GSM-7: `ê` → `e`, `œ` → `oe`, typographic quotes and dashes to
 * ASCII, non-breaking spaces to spaces, `…` → `...`. Characters with no
 * GSM form (emoji, most non-Latin scripts) are kept as they are.
 *
 * @example transliterateToGsm('Lunettes prêtes') // 'Lunettes pretes'
 */
export function transliterateToGsm(text: string): string {
  return Array.from(text.normalize('NFC'), transliterateCharacter).join('');
}

function findUnicodeCharacters(chars: string[]): UnicodeCharacter[] {
  const found: UnicodeCharacter[] = [];
  chars.forEach((char, index) => {
    if (!SEPTETS.has(char)) found.push({ char, index });
  });
  return found;
}

function septetCost(char: string): number {
  return SEPTETS.get(char) ?? 0;
}

// An astral character is a surrogate pair: two UCS-2 units.
function codeUnitCost(char: string): number {
  return char.length;
}

function countSegments(costs: number[], limits: PartLimits): number {
  const total = sum(costs);
  if (total === 0) return 0;
  if (total <= limits.single) return 1;

  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > limits.multi) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function transliterateCharacter(char: string): string {
  if (SEPTETS.has(char)) return char;

  const mapped = TRANSLITERATIONS.get(char);
  if (mapped !== undefined) return mapped;

  const base = char.normalize('NFD').replace(/\p{M}/gu, '');
  return base !== '' && isGsm(base) ? base : char;
}

function isGsm(text: string): boolean {
  return Array.from(text).every((char) => SEPTETS.has(char));
}
