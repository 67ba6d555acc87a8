import { parseOctopushDate } from '@optic/providers';

describe('dates in Octopush callbacks', () => {
  it('reads a date as Octopush writes it', () => {
    expect(parseOctopushDate('2026-12-04 10:00:05')).toEqual(
      new Date('2026-12-04T10:00:05Z'),
    );
  });

  it.each([
    '2026-02-31 10:00:00',
    '2026-13-01 10:00:00',
    '2026-12-04 24:00:00',
    '2026-12-04 10:60:00',
    '2026-12-04 10:00:61',
  ])('refuses %s, a moment that does not exist', (value) => {
    expect(parseOctopushDate(value)).toBeNull();
  });

  it.each(['', '2026-12-04', '2026-12-04T10:00:05Z', 'soon'])(
    'refuses %p, not in Octopush’s form',
    (value) => {
      expect(parseOctopushDate(value)).toBeNull();
    },
  );
});
