import fc from 'fast-check';
import { composeSms, countSms, transliterateToGsm } from '@optic/domain';

// test/domain/sms-counter.property.test.ts draws French text and emoji and
// cross-checks split-sms; these draw any Unicode, lone surrogates included,
// and check the rules themselves.

const GSM_BASIC = Array.from(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = Array.from('\f^{}\\[~]|€');
const GSM = new Set([...GSM_BASIC, ...GSM_EXTENSION]);

const anyUnicode = fc.string({ unit: 'binary', maxLength: 400 });
const anyCharacter = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  // Halves of a surrogate pair, which may complete the text's last one.
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
);

function gsmText(
  characters: string[],
  maxLength: number,
): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...characters), { maxLength })
    .map((chars) => chars.join(''));
}

function isGsm(text: string): boolean {
  return Array.from(text).every((char) => GSM.has(char));
}

/** The parts of a text whose characters all cost `unit`, split at `multi`. */
function expectedParts(units: number, single: number, multi: number): number {
  if (units === 0) return 0;
  return units <= single ? 1 : Math.ceil(units / multi);
}

describe('countSms, fuzzed', () => {
  it('never throws and stays consistent on any Unicode text', () => {
    fc.assert(
      fc.property(anyUnicode, (text) => {
        const count = countSms(text);
        const chars = Array.from(text);

        expect(count.segments === 0).toBe(text === '');
        expect(count.encoding === 'GSM-7').toBe(
          count.unicodeCharacters.length === 0,
        );
        for (const { char, index } of count.unicodeCharacters) {
          expect(chars[index]).toBe(char);
          expect(GSM.has(char)).toBe(false);
        }
        if (count.encoding === 'UCS-2') expect(count.units).toBe(text.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('never loses a part when any character is appended', () => {
    fc.assert(
      fc.property(anyUnicode, anyCharacter, (text, extra) => {
        expect(countSms(text + extra).segments).toBeGreaterThanOrEqual(
          countSms(text).segments,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('splits basic GSM text at 160 septets, then 153 per part', () => {
    fc.assert(
      fc.property(gsmText(GSM_BASIC, 1200), (text) => {
        const count = countSms(text);

        expect(count.encoding).toBe('GSM-7');
        expect(count.units).toBe(text.length);
        expect(count.segments).toBe(expectedParts(text.length, 160, 153));
      }),
      { numRuns: 500 },
    );
  });

  it('never splits an escape: 153 septets a part at most, 152 at least', () => {
    fc.assert(
      fc.property(gsmText([...GSM_BASIC, ...GSM_EXTENSION], 900), (text) => {
        const { units, segments } = countSms(text);

        expect(units).toBe(
          Array.from(text).reduce(
            (sum, c) => sum + (GSM_EXTENSION.includes(c) ? 2 : 1),
            0,
          ),
        );
        if (units > 160) {
          expect(segments).toBeGreaterThanOrEqual(Math.ceil(units / 153));
          expect(segments).toBeLessThanOrEqual(Math.ceil(units / 152));
        } else {
          expect(segments).toBe(units === 0 ? 0 : 1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('splits UCS-2 text of the basic plane at 70 units, then 67 per part', () => {
    const bmpText = fc
      .string({ unit: 'grapheme-ascii', maxLength: 400 })
      .map((text) => `ê${text}`);

    fc.assert(
      fc.property(bmpText, (text) => {
        const count = countSms(text);

        expect(count.encoding).toBe('UCS-2');
        expect(count.segments).toBe(expectedParts(text.length, 70, 67));
      }),
      { numRuns: 500 },
    );
  });
});

describe('composeSms, fuzzed', () => {
  const piece = fc.option(fc.string({ unit: 'binary', maxLength: 60 }), {
    nil: undefined,
  });

  it('keeps the body whole, and adds the STOP mention to marketing only', () => {
    fc.assert(
      fc.property(
        piece,
        fc
          .string({ unit: 'binary', minLength: 1, maxLength: 200 })
          .filter((body) => body.trim() !== ''),
        piece,
        fc.constantFrom('STOP au 36111', 'STOP au 36180'),
        fc.constantFrom('transactional' as const, 'marketing' as const),
        (header, body, signature, stopMention, kind) => {
          const text = composeSms({
            header,
            body,
            signature,
            stopMention,
            kind,
          });

          expect(text).toContain(body);
          if (kind === 'marketing') {
            expect(
              text.endsWith(stopMention) || text.includes('%stopsms'),
            ).toBe(true);
          } else {
            expect(text).not.toContain(`\n${stopMention}`);
          }
          expect(countSms(text).segments).toBeGreaterThanOrEqual(
            countSms(body).segments,
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('transliterateToGsm, fuzzed', () => {
  it('never brings in a character outside GSM that was not there', () => {
    fc.assert(
      fc.property(anyUnicode, (text) => {
        const before = new Set(Array.from(text.normalize('NFC')));
        const output = transliterateToGsm(text);

        for (const char of Array.from(output)) {
          if (!GSM.has(char)) expect(before.has(char)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('leaves GSM text as it is', () => {
    fc.assert(
      fc.property(gsmText([...GSM_BASIC, ...GSM_EXTENSION], 300), (text) => {
        expect(transliterateToGsm(text)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('turns every Latin letter of Western and Central Europe into GSM', () => {
    const latinLetter = fc
      .integer({ min: 0xc0, max: 0x17f })
      .map((code) => String.fromCodePoint(code))
      .filter((char) => /\p{L}/u.test(char));
    const latinText = fc
      .array(fc.oneof(latinLetter, fc.constantFrom(...GSM_BASIC)), {
        maxLength: 80,
      })
      .map((chars) => chars.join(''));

    fc.assert(
      fc.property(latinText, (text) => {
        const output = transliterateToGsm(text);

        expect(isGsm(output)).toBe(true);
        expect(countSms(output).encoding).toBe('GSM-7');
      }),
      { numRuns: 500 },
    );
  });

  // Found by the property above: letters with a stroke or no accent to
  // strip (Polish, Croatian, Icelandic, Turkish names) kept the SMS in UCS-2.
  it.each([
    ['Łukasz Wałęsa', 'Lukasz Walesa'],
    ['Đurđević', 'Durdevic'],
    ['Þórður Guðmundsson', 'Thordur Gudmundsson'],
    ['Işıl Yılmaz', 'Isil Yilmaz'],
  ])('writes %j as %j', (name, expected) => {
    expect(transliterateToGsm(name)).toBe(expected);
  });
});
