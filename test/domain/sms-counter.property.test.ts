import fc from 'fast-check';
import { split } from 'split-sms';
import { countSms, transliterateToGsm } from '@optic/domain';

// split-sms 0.1.7 (lib/gsmsplitter.js, lib/unicodesplitter.js) applies the
// same rules as ours: it banks a GSM part at 152 septets before an
// extension character and a UCS-2 part at 66 units before a surrogate
// pair, and merges everything back into one part when the whole fits 160
// septets or 70 units. The one documented difference is the empty text,
// which it reports as one empty part where we report none, so the
// cross-check leaves it out. It counts UCS-2 in bytes (two per unit).

const GSM_LETTERS = Array.from(
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' +
    'éèàùÉÇ .,;:!?\'"-()%@£$&*/+=#_\r\n',
);
const GSM_ESCAPES = Array.from('€[]{}~^|\\\f');
const FRENCH_ONLY = Array.from('êëîïôûâçœŒÊÎÔÂÈÀÙ’‘“”«»–—…\u00a0\u202f');
const EMOJI = ['😀', '👓', '👍🏽', '🇫🇷', '❤️', '✨', '🎉'];

const gsmCharacter = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...GSM_LETTERS) },
  { weight: 2, arbitrary: fc.constantFrom(...GSM_ESCAPES) },
);
const frenchCharacter = fc.oneof(
  { weight: 6, arbitrary: gsmCharacter },
  { weight: 2, arbitrary: fc.constantFrom(...FRENCH_ONLY) },
  { weight: 2, arbitrary: fc.constantFrom(...EMOJI) },
);

function textOf(character: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .array(character, { minLength: 1, maxLength: 700, size: 'max' })
    .map((chars) => chars.join(''));
}

const smsText = fc.oneof(textOf(gsmCharacter), textOf(frenchCharacter));

describe('countSms against split-sms', () => {
  it('agrees on encoding, size and parts for French and emoji text', () => {
    fc.assert(
      fc.property(smsText, (text) => {
        const ours = countSms(text);
        const theirs = split(text, { summary: true });
        const isGsm = ours.encoding === 'GSM-7';

        expect(theirs.characterSet).toBe(isGsm ? 'GSM' : 'Unicode');
        expect(theirs.bytes).toBe(isGsm ? ours.units : ours.units * 2);
        expect(theirs.parts).toHaveLength(ours.segments);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('countSms invariants', () => {
  it('never loses a part when a character is appended', () => {
    fc.assert(
      fc.property(smsText, frenchCharacter, (text, extra) => {
        const before = countSms(text).segments;
        const after = countSms(text + extra).segments;

        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 2000 },
    );
  });

  it('charges one credit per part and counts code points', () => {
    fc.assert(
      fc.property(smsText, (text) => {
        const count = countSms(text);

        expect(count.credits).toBe(count.segments);
        expect(count.characters).toBe(Array.from(text).length);
      }),
    );
  });
});

describe('transliterateToGsm on French text', () => {
  it('yields GSM-7 whenever the text holds no emoji', () => {
    const frenchText = textOf(
      fc.oneof(gsmCharacter, fc.constantFrom(...FRENCH_ONLY)),
    );

    fc.assert(
      fc.property(frenchText, (text) => {
        expect(countSms(transliterateToGsm(text)).encoding).toBe('GSM-7');
      }),
    );
  });
});
