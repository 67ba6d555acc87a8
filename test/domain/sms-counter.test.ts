import { countSms, MAX_SMS_SEGMENTS, transliterateToGsm } from '@optic/domain';
import type { SmsEncoding } from '@optic/domain';

// 3GPP TS 23.038 default alphabet written out by code position, apart from
// the implementation's table on purpose. 0x1B (ESC) is not a character.
const GSM_BASIC_BY_POSITION: readonly number[] = [
  ...[0x40, 0xa3, 0x24, 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, 0x0a],
  ...[0xd8, 0xf8, 0x0d, 0xc5, 0xe5],
  ...[0x394, 0x5f, 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8, 0x3a3, 0x398],
  ...[0x39e, 0xc6, 0xe6, 0xdf, 0xc9],
  ...[0x20, 0x21, 0x22, 0x23, 0xa4, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a],
  ...[0x2b, 0x2c, 0x2d, 0x2e, 0x2f],
  ...range(0x30, 0x3f),
  0xa1,
  ...range(0x41, 0x5a),
  ...[0xc4, 0xd6, 0xd1, 0xdc, 0xa7],
  0xbf,
  ...range(0x61, 0x7a),
  ...[0xe4, 0xf6, 0xf1, 0xfc, 0xe0],
];

// Form feed, ^ { } \ [ ~ ] | €
const GSM_EXTENSION_BY_POSITION: readonly number[] = [
  0x0c, 0x5e, 0x7b, 0x7d, 0x5c, 0x5b, 0x7e, 0x5d, 0x7c, 0x20ac,
];

const REMINDER =
  '%magasin vous rappelle que la boîte de lentilles achetées le ' +
  '%datevisite va bientôt se terminer.\r\n' +
  "N'oubliez pas de programmer un passage en magasin pour ne pas " +
  'tomber en rupture de lentille !';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function label(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} ${JSON.stringify(String.fromCodePoint(codePoint))}`;
}

describe('countSms', () => {
  describe('the GSM 03.38 tables', () => {
    it('holds 127 basic and 10 extension characters', () => {
      expect(GSM_BASIC_BY_POSITION).toHaveLength(127);
      expect(new Set(GSM_BASIC_BY_POSITION).size).toBe(127);
      expect(GSM_EXTENSION_BY_POSITION).toHaveLength(10);
    });

    it.each(GSM_BASIC_BY_POSITION.map((cp) => [label(cp), cp]))(
      '%s costs one septet',
      (_, codePoint) => {
        const count = countSms(String.fromCodePoint(codePoint));

        expect(count).toMatchObject({
          encoding: 'GSM-7',
          units: 1,
          segments: 1,
        });
      },
    );

    it.each(GSM_EXTENSION_BY_POSITION.map((cp) => [label(cp), cp]))(
      '%s costs two septets',
      (_, codePoint) => {
        const count = countSms(String.fromCodePoint(codePoint));

        expect(count).toMatchObject({
          encoding: 'GSM-7',
          units: 2,
          segments: 1,
          unicodeCharacters: [],
        });
      },
    );

    it('reads every other BMP character as UCS-2', () => {
      const gsm = new Set([
        ...GSM_BASIC_BY_POSITION,
        ...GSM_EXTENSION_BY_POSITION,
      ]);
      const misread: string[] = [];

      for (let cp = 0; cp <= 0xffff; cp += 1) {
        if (cp >= 0xd800 && cp <= 0xdfff) continue;
        const isGsm = countSms(String.fromCodePoint(cp)).encoding === 'GSM-7';
        if (isGsm !== gsm.has(cp)) misread.push(label(cp));
      }

      expect(misread).toEqual([]);
    });
  });

  describe('at part boundaries', () => {
    const a = (n: number) => 'a'.repeat(n);
    const e = (n: number) => 'ê'.repeat(n);
    const euro = (n: number) => '€'.repeat(n);
    const smile = (n: number) => '😀'.repeat(n);

    // [case, encoding, units, segments, text]
    const cases: [string, SmsEncoding, number, number, string][] = [
      ['empty text', 'GSM-7', 0, 0, ''],
      ['1 a', 'GSM-7', 1, 1, a(1)],
      ['159 a', 'GSM-7', 159, 1, a(159)],
      ['160 a', 'GSM-7', 160, 1, a(160)],
      ['161 a', 'GSM-7', 161, 2, a(161)],
      ['306 a', 'GSM-7', 306, 2, a(306)],
      ['307 a', 'GSM-7', 307, 3, a(307)],
      ['459 a', 'GSM-7', 459, 3, a(459)],
      ['460 a', 'GSM-7', 460, 4, a(460)],
      ['158 a + € (160 septets)', 'GSM-7', 160, 1, a(158) + '€'],
      ['159 a + € (161 septets)', 'GSM-7', 161, 2, a(159) + '€'],
      ['80 €', 'GSM-7', 160, 1, euro(80)],
      ['81 €', 'GSM-7', 162, 2, euro(81)],
      ['152 a + € in one part', 'GSM-7', 154, 1, a(152) + '€'],
      ['152 a + € + 7 a', 'GSM-7', 161, 2, a(152) + '€' + a(7)],
      ['151 a + € fills 153', 'GSM-7', 161, 2, a(151) + '€' + a(8)],
      ['152 a + € + 152 a moves €', 'GSM-7', 306, 3, a(152) + '€' + a(152)],
      ['151 a + € + 153 a', 'GSM-7', 306, 2, a(151) + '€' + a(153)],
      ['153 a + € + 151 a', 'GSM-7', 306, 2, a(153) + '€' + a(151)],
      ['152 a + € + 151 a', 'GSM-7', 305, 2, a(152) + '€' + a(151)],
      ['153 € (76 per part)', 'GSM-7', 306, 3, euro(153)],
      ['152 €', 'GSM-7', 304, 2, euro(152)],
      ['304 a + €', 'GSM-7', 306, 2, a(304) + '€'],
      ['305 a + €', 'GSM-7', 307, 3, a(305) + '€'],
      ['152 a + { at the edge', 'GSM-7', 306, 3, a(152) + '{' + a(152)],
      ['152 a + \\ at the edge', 'GSM-7', 306, 3, a(152) + '\\' + a(152)],
      ['158 a + CR LF', 'GSM-7', 160, 1, a(158) + '\r\n'],
      ['159 a + form feed', 'GSM-7', 161, 2, a(159) + '\f'],
      ['255 full GSM parts', 'GSM-7', 39015, 255, a(153 * 255)],
      ['one septet past 255', 'GSM-7', 39016, 256, a(153 * 255 + 1)],
      ['1 ê', 'UCS-2', 1, 1, e(1)],
      ['70 ê', 'UCS-2', 70, 1, e(70)],
      ['71 ê', 'UCS-2', 71, 2, e(71)],
      ['134 ê', 'UCS-2', 134, 2, e(134)],
      ['135 ê', 'UCS-2', 135, 3, e(135)],
      ['1 emoji', 'UCS-2', 2, 1, smile(1)],
      ['35 emoji (70 units)', 'UCS-2', 70, 1, smile(35)],
      ['36 emoji (33 per part)', 'UCS-2', 72, 2, smile(36)],
      ['67 emoji', 'UCS-2', 134, 3, smile(67)],
      ['68 ê + emoji', 'UCS-2', 70, 1, e(68) + '😀'],
      ['69 ê + emoji', 'UCS-2', 71, 2, e(69) + '😀'],
      ['66 ê + emoji + 3 ê', 'UCS-2', 71, 2, e(66) + '😀' + e(3)],
      ['65 ê + emoji fills 67', 'UCS-2', 71, 2, e(65) + '😀' + e(4)],
      ['66 ê + emoji + 66 ê', 'UCS-2', 134, 3, e(66) + '😀' + e(66)],
      ['65 ê + emoji + 67 ê', 'UCS-2', 134, 2, e(65) + '😀' + e(67)],
      ['159 a + ê', 'UCS-2', 160, 3, a(159) + 'ê'],
      ['69 a + ê', 'UCS-2', 70, 1, a(69) + 'ê'],
      ['70 a + ê', 'UCS-2', 71, 2, a(70) + 'ê'],
      ['€ costs one unit in UCS-2', 'UCS-2', 70, 1, euro(69) + 'ê'],
      ['255 full UCS-2 parts', 'UCS-2', 17085, 255, e(67 * 255)],
      ['flag (2 code points)', 'UCS-2', 4, 1, '🇫🇷'],
      ['thumb with skin tone', 'UCS-2', 4, 1, '👍🏽'],
    ];

    it.each(cases)(
      'counts %s as %s, %i units, %i parts',
      (_, encoding, units, segments, text) => {
        const count = countSms(text);

        expect(count).toMatchObject({ encoding, units, segments });
        expect(count.credits).toBe(segments);
      },
    );
  });

  it('counts characters in code points', () => {
    expect(countSms('Bonjour 👋🏼 !').characters).toBe(12);
  });

  it('reports the count past the maximum without capping it', () => {
    const count = countSms('a'.repeat(153 * MAX_SMS_SEGMENTS + 1));

    expect(MAX_SMS_SEGMENTS).toBe(255);
    expect(count.segments).toBe(MAX_SMS_SEGMENTS + 1);
  });

  it('switches the whole message to UCS-2 for one ê and names it', () => {
    const count = countSms('Vos lunettes sont prêtes');

    expect(count.encoding).toBe('UCS-2');
    expect(count.units).toBe(24);
    expect(count.unicodeCharacters).toEqual([{ char: 'ê', index: 20 }]);
  });

  it('keeps é in GSM-7: it is in the basic table', () => {
    expect(countSms('é'.repeat(70))).toMatchObject({
      encoding: 'GSM-7',
      units: 70,
      segments: 1,
    });
  });

  it('reports each non-GSM character with its code point index', () => {
    const count = countSms('😀 ça');

    expect(count.unicodeCharacters).toEqual([
      { char: '😀', index: 0 },
      { char: 'ç', index: 2 },
    ]);
  });

  describe('the contact lens reminder', () => {
    it('is 191 characters and 3 UCS-2 parts because of î and ô', () => {
      const count = countSms(REMINDER);

      expect(count).toMatchObject({
        characters: 191,
        encoding: 'UCS-2',
        units: 191,
        segments: 3,
        credits: 3,
      });
      expect(count.unicodeCharacters.map(({ char }) => char)).toEqual([
        'î',
        'ô',
      ]);
    });

    it('fits 2 GSM-7 parts once transliterated', () => {
      const count = countSms(transliterateToGsm(REMINDER));

      expect(count).toMatchObject({
        characters: 191,
        encoding: 'GSM-7',
        segments: 2,
      });
    });
  });
});

describe('transliterateToGsm', () => {
  it.each([
    ['Vos lunettes sont prêtes', 'Vos lunettes sont pretes'],
    ['île, hôtel, flûte, âge', 'ile, hotel, flute, age'],
    ['Noël, naïf', 'Noel, naif'],
    ['leçon', 'lecon'],
    ['Ça', 'Ça'],
    ['cœur, Œuvre', 'coeur, OEuvre'],
    ['Læticia', 'Læticia'],
    ['l’opticien ‘ici’', "l'opticien 'ici'"],
    ['“vu” « ici »', '"vu" " ici "'],
    ['10\u00a0h\u202f30', '10 h 30'],
    ['9 h – 12 h — fermé', '9 h - 12 h - fermé'],
    ['À bientôt…', 'A bientot...'],
    ['Ève, Ôté, Ÿ', 'Eve, Oté, Y'],
    ['déjà vu, où, über, niño', 'déjà vu, où, über, niño'],
    ['e\u0301te\u0302 (decomposed)', 'éte (decomposed)'],
    ['Merci 😀', 'Merci 😀'],
    ['Ελλάδα (no GSM base)', 'Ελλάδα (no GSM base)'],
  ])('turns %j into %j', (input, expected) => {
    expect(transliterateToGsm(input)).toBe(expected);
  });

  it('makes the prêtes notice GSM-7', () => {
    const text = transliterateToGsm('Vos lunettes sont prêtes');

    expect(countSms(text).encoding).toBe('GSM-7');
  });

  it('keeps an emoji, so the text stays UCS-2', () => {
    const text = transliterateToGsm('Vos lunettes sont prêtes 👓');

    expect(countSms(text)).toMatchObject({
      encoding: 'UCS-2',
      unicodeCharacters: [{ char: '👓', index: 25 }],
    });
  });
});
