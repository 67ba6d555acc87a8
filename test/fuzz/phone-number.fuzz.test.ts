import fc from 'fast-check';
import { maskPhone, normalizeMobile } from '@optic/domain';
import type { PhoneRegion } from '@optic/domain';

const REGIONS: PhoneRegion[] = [
  { country: 'FR' },
  { country: 'FR', region: 'GP' },
  { country: 'FR', region: 'FR-RE' },
  { country: 'fr', region: 'YT' },
  { country: 'FR', region: 'NC' },
  { country: 'BE' },
  { country: 'CH' },
  { country: 'GP' },
  { country: 'XX' },
  { country: '' },
];

const region = fc.oneof(
  fc.constantFrom(...REGIONS),
  fc.record(
    { country: fc.string({ maxLength: 5 }), region: fc.string() },
    { requiredKeys: ['country'] },
  ),
);

/** What staff type: digits and the separators they use, or anything. */
const typed = fc.oneof(
  fc.stringMatching(/^[+0]?[\d .()\-/]{0,24}$/),
  fc
    .tuple(
      fc.constantFrom('0', '+33 ', '0033 ', '+33 (0)', '+590 ', '+262 ', ''),
      fc.stringMatching(/^[67]\d{8}$/),
    )
    .map(([prefix, digits]) => prefix + digits),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

const E164 = /^\+[1-9]\d{6,14}$/;

/** The same French mobile as staff may type it, nationally. */
function nationalTypings(nineDigits: string): string[] {
  const pairs = `0${nineDigits}`.match(/\d{2}/g)!;
  return [
    pairs.join(' '),
    pairs.join('.'),
    pairs.join('-'),
    pairs.join(''),
    `  ${pairs.join(' ')}  `,
  ];
}

/** The same number with France's calling code. */
function internationalTypings(nineDigits: string): string[] {
  const rest = nineDigits.slice(1).match(/\d{2}/g)!.join(' ');
  return [
    `+33 ${nineDigits[0]} ${rest}`,
    `+33${nineDigits}`,
    `0033${nineDigits}`,
    `+33 (0)${nineDigits}`,
  ];
}

function answersFor(typings: string[]): string[] {
  return typings.map((t) =>
    JSON.stringify(normalizeMobile(t, { country: 'FR' })),
  );
}

describe('normalizeMobile, fuzzed', () => {
  it('never throws, and answers E.164 or a reason', () => {
    fc.assert(
      fc.property(typed, region, (input, where) => {
        const result = normalizeMobile(input, where);

        if (result.ok) expect(result.e164).toMatch(E164);
        else
          expect(['empty', 'not_a_number', 'not_mobile', 'invalid']).toContain(
            result.reason,
          );
      }),
      { numRuns: 1500 },
    );
  });

  it('reads its own answer back unchanged, from any shop', () => {
    fc.assert(
      fc.property(typed, region, region, (input, where, elsewhere) => {
        const first = normalizeMobile(input, where);
        fc.pre(first.ok);
        const { e164 } = first as { ok: true; e164: string };

        expect(normalizeMobile(e164, where)).toEqual(first);
        expect(normalizeMobile(e164, elsewhere)).toEqual(first);
      }),
      { numRuns: 500 },
    );
  });

  it('gives one answer however a French mobile is typed', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[67]\d{8}$/), (nineDigits) => {
        const national = answersFor(nationalTypings(nineDigits));
        const international = answersFor(internationalTypings(nineDigits));

        expect(new Set(national).size).toBe(1);
        expect(new Set(international).size).toBe(1);
        // A national 0690… typed in Paris may reach Guadeloupe, but a
        // number that exists in France is read there first.
        const inFrance = JSON.parse(international[0]!);
        if (inFrance.ok) {
          expect(inFrance.e164).toBe(`+33${nineDigits}`);
          expect(national[0]).toBe(international[0]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('refuses anything with letters or another script', () => {
    fc.assert(
      fc.property(typed, fc.stringMatching(/^[a-zA-Zé٣]$/), (input, odd) => {
        const at = Math.floor(input.length / 2);
        const spoilt = input.slice(0, at) + odd + input.slice(at);

        expect(normalizeMobile(spoilt, { country: 'FR' }).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});

describe('maskPhone, fuzzed', () => {
  const mobile = fc
    .tuple(fc.stringMatching(/^[67]\d{8}$/), fc.constantFrom(...REGIONS))
    .map(([digits, where]) => normalizeMobile(`0${digits}`, where))
    .filter((result) => result.ok)
    .map((result) => (result as { e164: string }).e164);

  it('shows the first three and last two digits of a mobile, no more', () => {
    fc.assert(
      fc.property(mobile, (e164) => {
        const masked = maskPhone(e164);
        const digits = e164.slice(1);
        const shown = masked.replace(/[^\d*]/g, '');

        expect(shown).toHaveLength(digits.length);
        expect(shown).toBe(
          digits.slice(0, 3) + '*'.repeat(digits.length - 5) + digits.slice(-2),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never throws and never shows more than five digits of anything', () => {
    fc.assert(
      fc.property(typed, (input) => {
        const masked = maskPhone(input);

        expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(5);
      }),
      { numRuns: 1500 },
    );
  });
});
