import { maskPhone, normalizeMobile } from '@optic/domain';
import type { MobileResult, PhoneRegion } from '@optic/domain';

const PARIS: PhoneRegion = { country: 'FR' };
const GUADELOUPE: PhoneRegion = { country: 'FR', region: 'GP' };
const REUNION: PhoneRegion = { country: 'FR', region: 'RE' };
const MAYOTTE: PhoneRegion = { country: 'FR', region: 'YT' };

const ok = (e164: string): MobileResult => ({ ok: true, e164 });
const refused = (
  reason: 'empty' | 'not_a_number' | 'not_mobile' | 'invalid',
): MobileResult => ({ ok: false, reason });

describe('normalizeMobile', () => {
  const cases: [string, string, PhoneRegion, MobileResult][] = [
    ['spaces', '06 12 34 56 78', PARIS, ok('+33612345678')],
    ['dots', '06.12.34.56.78', PARIS, ok('+33612345678')],
    ['dashes', '06-12-34-56-78', PARIS, ok('+33612345678')],
    ['no separators', '0612345678', PARIS, ok('+33612345678')],
    ['surrounding blanks', '  06 12 34 56 78 ', PARIS, ok('+33612345678')],
    ['a 07 mobile', '07 81 23 45 67', PARIS, ok('+33781234567')],
    ['+33', '+33 6 12 34 56 78', PARIS, ok('+33612345678')],
    ['0033', '0033 6 12 34 56 78', PARIS, ok('+33612345678')],
    ['+33 (0)6', '+33 (0)6 12 34 56 78', PARIS, ok('+33612345678')],
    ['0033 (0)6', '0033 (0)6 87 12 34 56', PARIS, ok('+33687123456')],
    ['06 87 is not New Caledonia', '06 87 12 34 56', PARIS, ok('+33687123456')],
    [
      'a metropolitan number in GP',
      '06 12 34 56 78',
      GUADELOUPE,
      ok('+33612345678'),
    ],
    ['Guadeloupe', '0690 12 34 56', GUADELOUPE, ok('+590690123456')],
    [
      'Guadeloupe as country',
      '0690 12 34 56',
      { country: 'GP' },
      ok('+590690123456'),
    ],
    [
      'FR-GP region',
      '0690 12 34 56',
      { country: 'fr', region: 'FR-GP' },
      ok('+590690123456'),
    ],
    [
      'Saint-Barthélemy',
      '0690 12 34 56',
      { country: 'FR', region: 'BL' },
      ok('+590690123456'),
    ],
    [
      'Martinique',
      '0696 12 34 56',
      { country: 'FR', region: 'MQ' },
      ok('+596696123456'),
    ],
    [
      'Guyane',
      '0694 12 34 56',
      { country: 'FR', region: 'GF' },
      ok('+594694123456'),
    ],
    ['Réunion', '0692 12 34 56', REUNION, ok('+262692123456')],
    ['Mayotte', '0639 01 23 45', MAYOTTE, ok('+262639012345')],
    ['Mayotte typed in Réunion', '0639 01 23 45', REUNION, ok('+262639012345')],
    [
      'a Guadeloupe number in Paris',
      '0690 12 34 56',
      PARIS,
      ok('+590690123456'),
    ],
    [
      'Saint-Pierre',
      '055 12 34',
      { country: 'FR', region: 'PM' },
      ok('+508551234'),
    ],
    [
      'international from France',
      '+32 470 12 34 56',
      PARIS,
      ok('+32470123456'),
    ],
    ['a Belgian shop', '0470 12 34 56', { country: 'BE' }, ok('+32470123456')],
    ['empty', '', PARIS, refused('empty')],
    ['blanks only', '   ', PARIS, refused('empty')],
    ['letters', '06 12 AB 56 78', PARIS, refused('not_a_number')],
    ['an extension', '06 12 34 56 78 ext 5', PARIS, refused('not_a_number')],
    ['punctuation only', '-- ..', PARIS, refused('not_a_number')],
    ['a plus in the middle', '06+12345678', PARIS, refused('not_a_number')],
    ['a Paris landline', '01 23 45 67 89', PARIS, refused('not_mobile')],
    ['a 09 VoIP line', '09 51 23 45 67', PARIS, refused('not_mobile')],
    ['a freephone number', '0800 12 34 56', PARIS, refused('not_mobile')],
    [
      'a Guadeloupe landline',
      '0590 12 34 56',
      GUADELOUPE,
      refused('not_mobile'),
    ],
    ['a short number', '3615', PARIS, refused('invalid')],
    ['an emergency number', '112', PARIS, refused('invalid')],
    ['a digit missing', '06 12 34 56 7', PARIS, refused('invalid')],
    ['a digit too many', '06 12 34 56 78 9', PARIS, refused('invalid')],
    ['an unallocated range', '0639 12 34 56', MAYOTTE, refused('invalid')],
    ['a number in no French zone', '0691 12 34 56', PARIS, refused('invalid')],
  ];

  it.each(cases)('reads %s (%j)', (_, input, region, expected) => {
    expect(normalizeMobile(input, region)).toEqual(expected);
  });

  it('reads only international numbers for an unknown country', () => {
    expect(normalizeMobile('06 12 34 56 78', { country: 'XX' })).toEqual(
      refused('invalid'),
    );
    expect(normalizeMobile('+33 6 12 34 56 78', { country: 'XX' })).toEqual(
      ok('+33612345678'),
    );
  });
});

describe('maskPhone', () => {
  it.each([
    ['+33687123456', '+33 6 ** ** ** 56'],
    ['+590690123456', '+590 *** ** ** 56'],
    ['+32470123456', '+32 4** ** ** 56'],
    ['+508551234', '+508 ** ** 34'],
    ['1234', '**34'],
  ])('masks %s as %s', (e164, masked) => {
    expect(maskPhone(e164)).toBe(masked);
  });
});
