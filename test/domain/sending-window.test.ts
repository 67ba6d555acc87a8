import {
  DEFAULT_SENDING_WINDOW,
  holidayCalendarFor,
  isInsideWindow,
  nextOpening,
  sendingWindowSchema,
} from '@optic/domain';
import type { HolidayCalendar, SendingWindow } from '@optic/domain';

// Every instant is written with the shop's offset at that date, so the
// local time reads directly: Paris is +01:00 in winter and +02:00 from the
// last Sunday of March to the last Sunday of October; Guadeloupe is always
// −04:00.
const PARIS = 'Europe/Paris';
const GUADELOUPE = 'America/Guadeloupe';

const france = holidayCalendarFor({ country: 'FR' });
const alsaceMoselle = holidayCalendarFor({ country: 'FR', region: '67' });
const guadeloupe = holidayCalendarFor({ country: 'FR', region: 'GP' });

const EVERY_DAY: SendingWindow = {
  ...DEFAULT_SENDING_WINDOW,
  days: [1, 2, 3, 4, 5, 6, 7],
};
const SUNDAYS_ONLY = (start: string, end: string): SendingWindow => ({
  days: [7],
  start,
  end,
  excludeHolidays: true,
});

function inside(
  at: string,
  calendar: HolidayCalendar = france,
  window: SendingWindow = DEFAULT_SENDING_WINDOW,
  timeZone = PARIS,
): boolean {
  return isInsideWindow(new Date(at), window, timeZone, calendar);
}

function next(
  at: string,
  calendar: HolidayCalendar = france,
  window: SendingWindow = DEFAULT_SENDING_WINDOW,
  timeZone = PARIS,
): string {
  return nextOpening(new Date(at), window, timeZone, calendar).toISOString();
}

describe('the default window in a Paris shop', () => {
  it('is open on Saturday at 19:59', () => {
    expect(inside('2026-07-11T19:59:00+02:00')).toBe(true);
  });

  it('is open at 19:59:59.999 and closed at 20:00:00.000', () => {
    expect(inside('2026-07-11T19:59:59.999+02:00')).toBe(true);
    expect(inside('2026-07-11T20:00:00.000+02:00')).toBe(false);
  });

  it('is closed at 07:59:59.999 and open at 08:00:00.000', () => {
    expect(inside('2026-07-13T07:59:59.999+02:00')).toBe(false);
    expect(inside('2026-07-13T08:00:00.000+02:00')).toBe(true);
  });

  it('returns the instant itself when open', () => {
    const at = new Date('2026-07-15T11:22:33.444+02:00');
    const opening = nextOpening(at, DEFAULT_SENDING_WINDOW, PARIS, france);

    expect(opening.getTime()).toBe(at.getTime());
  });

  it('opens on Monday at 08:00 after Saturday 20:00', () => {
    expect(next('2026-07-11T20:00:00+02:00')).toBe('2026-07-13T06:00:00.000Z');
  });

  it('opens on Monday at 08:00 from Sunday 10:00', () => {
    expect(inside('2026-07-12T10:00:00+02:00')).toBe(false);
    expect(next('2026-07-12T10:00:00+02:00')).toBe('2026-07-13T06:00:00.000Z');
  });

  it('opens at 08:00 the same day from Monday 07:59', () => {
    expect(next('2026-07-13T07:59:00+02:00')).toBe('2026-07-13T06:00:00.000Z');
  });

  it('opens the next morning after 20:00 on a weekday', () => {
    expect(next('2026-07-15T21:30:00+02:00')).toBe('2026-07-16T06:00:00.000Z');
  });

  it('stays closed on 14 July and opens on 15 July at 08:00', () => {
    expect(inside('2026-07-14T10:00:00+02:00')).toBe(false);
    expect(next('2026-07-14T10:00:00+02:00')).toBe('2026-07-15T06:00:00.000Z');
  });

  it('skips a holiday that follows the evening', () => {
    expect(next('2026-07-13T20:00:00+02:00')).toBe('2026-07-15T06:00:00.000Z');
  });

  it('opens on 2 January in winter time after New Year', () => {
    expect(next('2026-01-01T09:00:00+01:00')).toBe('2026-01-02T07:00:00.000Z');
  });
});

describe('French public holidays of 2026 in a Paris shop', () => {
  // Whit Monday is a public holiday in law; date-holidays types it public,
  // and a shop's "journée de solidarité" does not make it a working day
  // for commercial SMS, so the window stays shut.
  const cases: [string, string, string][] = [
    ['1 May (Friday)', '2026-05-01T10:00:00+02:00', '2026-05-02T06:00:00.000Z'],
    ['8 May (Friday)', '2026-05-08T10:00:00+02:00', '2026-05-09T06:00:00.000Z'],
    ['Ascension', '2026-05-14T10:00:00+02:00', '2026-05-15T06:00:00.000Z'],
    ['Whit Monday', '2026-05-25T10:00:00+02:00', '2026-05-26T06:00:00.000Z'],
    ['Easter Monday', '2026-04-06T10:00:00+02:00', '2026-04-07T06:00:00.000Z'],
    ['Assumption', '2026-08-15T10:00:00+02:00', '2026-08-17T06:00:00.000Z'],
    ['All Saints', '2026-11-01T10:00:00+01:00', '2026-11-02T07:00:00.000Z'],
    ['Armistice', '2026-11-11T10:00:00+01:00', '2026-11-12T07:00:00.000Z'],
    ['Christmas', '2026-12-25T10:00:00+01:00', '2026-12-26T07:00:00.000Z'],
  ];

  it.each(cases)('is closed on %s until the next morning', (_, at, opens) => {
    expect(inside(at)).toBe(false);
    expect(next(at)).toBe(opens);
  });

  it('ignores the calendar when the window does not exclude holidays', () => {
    const window = { ...DEFAULT_SENDING_WINDOW, excludeHolidays: false };

    expect(inside('2026-07-14T10:00:00+02:00', france, window)).toBe(true);
  });
});

describe('daylight-saving changes in Paris', () => {
  it('opens on Monday 30 March 06:00Z after the spring-forward Sunday', () => {
    expect(next('2026-03-29T10:00:00+02:00')).toBe('2026-03-30T06:00:00.000Z');
    expect(next('2026-03-28T20:00:00+01:00')).toBe('2026-03-30T06:00:00.000Z');
  });

  it('opens on Monday 26 October 07:00Z after the fall-back Sunday', () => {
    expect(next('2026-10-25T10:00:00+01:00')).toBe('2026-10-26T07:00:00.000Z');
    expect(next('2026-10-24T20:00:00+02:00')).toBe('2026-10-26T07:00:00.000Z');
  });

  it('opens at 06:00Z on the spring-forward Sunday with Sunday allowed', () => {
    expect(next('2026-03-29T00:30:00+01:00', france, EVERY_DAY)).toBe(
      '2026-03-29T06:00:00.000Z',
    );
    expect(inside('2026-03-29T05:59:59.999Z', france, EVERY_DAY)).toBe(false);
    expect(inside('2026-03-29T17:59:59.999Z', france, EVERY_DAY)).toBe(true);
    expect(inside('2026-03-29T18:00:00.000Z', france, EVERY_DAY)).toBe(false);
  });

  it('opens at 07:00Z on the fall-back Sunday with Sunday allowed', () => {
    expect(next('2026-10-25T00:30:00+02:00', france, EVERY_DAY)).toBe(
      '2026-10-25T07:00:00.000Z',
    );
    expect(inside('2026-10-25T06:59:59.999Z', france, EVERY_DAY)).toBe(false);
    expect(inside('2026-10-25T18:59:59.999Z', france, EVERY_DAY)).toBe(true);
    expect(inside('2026-10-25T19:00:00.000Z', france, EVERY_DAY)).toBe(false);
  });

  it('opens at the clock change when start falls in the spring gap', () => {
    const window = SUNDAYS_ONLY('02:30', '05:00');

    expect(next('2026-03-28T12:00:00+01:00', france, window)).toBe(
      '2026-03-29T01:00:00.000Z',
    );
  });

  it('skips a day on which the whole window falls in the spring gap', () => {
    const window = SUNDAYS_ONLY('02:15', '02:45');

    expect(next('2026-03-28T12:00:00+01:00', france, window)).toBe(
      '2026-04-05T00:15:00.000Z',
    );
  });

  it('opens at both readings of a start in the autumn overlap', () => {
    const window = SUNDAYS_ONLY('02:30', '23:00');

    expect(next('2026-10-24T12:00:00+02:00', france, window)).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    expect(inside('2026-10-25T02:10:00+01:00', france, window)).toBe(false);
    expect(next('2026-10-25T02:10:00+01:00', france, window)).toBe(
      '2026-10-25T01:30:00.000Z',
    );
  });

  it('reopens when the autumn change takes the clock back below end', () => {
    const window = SUNDAYS_ONLY('00:00', '02:30');

    expect(inside('2026-10-25T02:45:00+02:00', france, window)).toBe(false);
    expect(next('2026-10-25T02:45:00+02:00', france, window)).toBe(
      '2026-10-25T01:00:00.000Z',
    );
  });
});

describe('an Alsace-Moselle shop', () => {
  it('is closed on Good Friday and opens on Saturday 4 April at 08:00', () => {
    const goodFriday = '2026-04-03T10:00:00+02:00';

    expect(inside(goodFriday, alsaceMoselle)).toBe(false);
    expect(next(goodFriday, alsaceMoselle)).toBe('2026-04-04T06:00:00.000Z');
  });

  it('is open on Good Friday in Paris', () => {
    expect(inside('2026-04-03T10:00:00+02:00')).toBe(true);
  });

  it('is closed on Saturday 26 December 2026, which Paris is not', () => {
    expect(inside('2026-12-26T10:00:00+01:00', alsaceMoselle)).toBe(false);
    expect(inside('2026-12-26T10:00:00+01:00')).toBe(true);
  });

  it('waits from Christmas over 26 December and Sunday to Monday 28', () => {
    expect(next('2026-12-24T20:00:00+01:00', alsaceMoselle)).toBe(
      '2026-12-28T07:00:00.000Z',
    );
    expect(next('2026-12-24T20:00:00+01:00')).toBe('2026-12-26T07:00:00.000Z');
  });

  it.each(['57', '67', '68', 'FR-57', 'ALSACE-MOSELLE', 'AM', ' am '])(
    'reads region %j as Alsace-Moselle',
    (region) => {
      const calendar = holidayCalendarFor({ country: 'FR', region });

      expect(calendar.country).toBe('FR');
      expect(calendar.isHoliday('2026-04-03')).toBe(true);
      expect(calendar.isHoliday('2026-12-26')).toBe(true);
    },
  );

  it('has Good Friday 2027 on 26 March', () => {
    expect(alsaceMoselle.isHoliday('2027-03-26')).toBe(true);
    expect(france.isHoliday('2027-03-26')).toBe(false);
  });
});

describe('a Guadeloupe shop', () => {
  it('is closed on 27 May, abolition of slavery, and opens on 28 May', () => {
    const at = '2026-05-27T10:00:00-04:00';

    expect(inside(at, guadeloupe, DEFAULT_SENDING_WINDOW, GUADELOUPE)).toBe(
      false,
    );
    expect(next(at, guadeloupe, DEFAULT_SENDING_WINDOW, GUADELOUPE)).toBe(
      '2026-05-28T12:00:00.000Z',
    );
  });

  it('is open on 27 May in Paris', () => {
    expect(inside('2026-05-27T10:00:00+02:00')).toBe(true);
  });

  it('opens at 08:00 local, 12:00Z, in winter and summer alike', () => {
    const window = DEFAULT_SENDING_WINDOW;

    expect(
      next('2026-01-03T20:00:00-04:00', guadeloupe, window, GUADELOUPE),
    ).toBe('2026-01-05T12:00:00.000Z');
    expect(
      next('2026-07-11T20:00:00-04:00', guadeloupe, window, GUADELOUPE),
    ).toBe('2026-07-13T12:00:00.000Z');
  });

  it('gets the same calendar from country GP as from FR with region GP', () => {
    expect(holidayCalendarFor({ country: 'GP' })).toBe(guadeloupe);
    expect(holidayCalendarFor({ country: 'fr', region: 'FR-GP' })).toBe(
      guadeloupe,
    );
    expect(guadeloupe.country).toBe('GP');
  });
});

describe('holidayCalendarFor', () => {
  it('builds one calendar per place', () => {
    expect(holidayCalendarFor({ country: 'FR' })).toBe(france);
    expect(holidayCalendarFor({ country: 'FR', region: '75' })).toBe(france);
    expect(holidayCalendarFor({ country: 'FR', region: '68' })).not.toBe(
      france,
    );
  });

  const french: [string, boolean][] = [
    ['2026-01-01', true],
    ['2026-04-06', true],
    ['2026-05-01', true],
    ['2026-05-08', true],
    ['2026-05-14', true],
    ['2026-05-25', true],
    ['2026-07-14', true],
    ['2026-08-15', true],
    ['2026-11-01', true],
    ['2026-11-11', true],
    ['2026-12-25', true],
    ['2026-04-03', false],
    ['2026-05-24', false],
    ['2026-05-31', false],
    ['2026-12-26', false],
    ['2026-07-13', false],
    ['2027-05-17', true],
  ];

  it.each(french)('says %s is a holiday in France: %s', (date, holiday) => {
    expect(france.isHoliday(date)).toBe(holiday);
  });

  const overseas: [string, string][] = [
    ['GP', '2026-05-27'],
    ['MQ', '2026-05-22'],
    ['GF', '2026-06-10'],
    ['RE', '2026-12-20'],
    ['YT', '2026-04-27'],
    ['BL', '2026-10-09'],
    ['MF', '2026-05-27'],
  ];

  it.each(overseas)('gives %s its own holiday on %s', (region, date) => {
    const calendar = holidayCalendarFor({ country: 'FR', region });

    expect(calendar.country).toBe(region);
    expect(calendar.isHoliday(date)).toBe(true);
    expect(france.isHoliday(date)).toBe(false);
  });

  it('gives Saint-Pierre-et-Miquelon its own, national, calendar', () => {
    const calendar = holidayCalendarFor({ country: 'FR', region: 'PM' });

    expect(calendar.country).toBe('PM');
    expect(calendar.isHoliday('2026-07-14')).toBe(true);
    expect(calendar.isHoliday('2026-05-27')).toBe(false);
  });

  it('refuses a country date-holidays does not know', () => {
    expect(() => holidayCalendarFor({ country: 'XX' })).toThrow(
      'No holiday calendar for country "XX"',
    );
  });

  it('refuses a malformed local date', () => {
    expect(() => france.isHoliday('2026-7-14')).toThrow(RangeError);
  });
});

describe('sendingWindowSchema', () => {
  const valid: SendingWindow = {
    days: [1, 2, 3, 4, 5],
    start: '09:00',
    end: '19:30',
    excludeHolidays: true,
  };

  function messagesFor(window: unknown): string[] {
    const result = sendingWindowSchema.safeParse(window);
    return result.success ? [] : result.error.issues.map((i) => i.message);
  }

  it('accepts the default window and a custom one', () => {
    expect(messagesFor(DEFAULT_SENDING_WINDOW)).toEqual([]);
    expect(messagesFor(valid)).toEqual([]);
    expect(messagesFor({ ...valid, start: '00:00', end: '23:59' })).toEqual([]);
  });

  const refused: [string, Partial<SendingWindow>, string][] = [
    ['empty days', { days: [] }, 'days must list at least one weekday'],
    [
      'day 0',
      { days: [0, 1] },
      'days must be ISO weekdays from 1 (Monday) to 7 (Sunday)',
    ],
    [
      'day 8',
      { days: [8] },
      'days must be ISO weekdays from 1 (Monday) to 7 (Sunday)',
    ],
    ['day 1.5', { days: [1.5] }, 'days must be whole ISO weekdays'],
    ['a repeated day', { days: [1, 2, 1] }, 'days must not repeat a weekday'],
    ['start 8:00', { start: '8:00' }, 'start must be a time HH:MM'],
    ['start 24:00', { start: '24:00' }, 'start must be a time HH:MM'],
    ['end 12:60', { end: '12:60' }, 'end must be a time HH:MM'],
    ['end 20:00:00', { end: '20:00:00' }, 'end must be a time HH:MM'],
    ['end equal to start', { end: '09:00' }, 'end must be after start'],
    ['end before start', { end: '08:59' }, 'end must be after start'],
  ];

  it.each(refused)('refuses %s', (_, change, message) => {
    const messages = messagesFor({ ...valid, ...change });

    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it('refuses a missing excludeHolidays', () => {
    const { excludeHolidays: _, ...rest } = valid;

    expect(messagesFor(rest)).toEqual([
      'excludeHolidays must be true or false',
    ]);
  });
});
