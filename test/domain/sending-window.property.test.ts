import fc from 'fast-check';
import {
  DEFAULT_SENDING_WINDOW,
  holidayCalendarFor,
  isInsideWindow,
  nextOpening,
} from '@optic/domain';
import type { HolidayCalendar, SendingWindow } from '@optic/domain';

interface Shop {
  timeZone: string;
  calendar: HolidayCalendar;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const GRID_LIMIT_MS = 4 * DAY_MS;

const FROM = Date.parse('2026-01-01T00:00:00Z');
const UNTIL = Date.parse('2028-01-01T00:00:00Z');

// Besides French shops, zones whose changes are awkward: Santiago skips
// midnight in September, Lord Howe moves by half an hour. Shops are drawn
// by name so that a counterexample prints short.
const SHOPS: Record<string, Shop> = {
  paris: shop('Europe/Paris', 'FR'),
  metz: shop('Europe/Paris', 'FR', '57'),
  pointeAPitre: shop('America/Guadeloupe', 'FR', 'GP'),
  saintDenis: shop('Indian/Reunion', 'FR', 'RE'),
  santiago: shop('America/Santiago', 'CL'),
  lordHowe: shop('Australia/Lord_Howe', 'AU'),
};

function shop(timeZone: string, country: string, region?: string): Shop {
  return { timeZone, calendar: holidayCalendarFor({ country, region }) };
}

// Random instants rarely land near a clock change, so half of them are
// drawn within three days of one.
const CLOCK_CHANGES = [
  '2026-03-29T01:00:00Z',
  '2026-10-25T01:00:00Z',
  '2027-03-28T01:00:00Z',
  '2027-10-31T01:00:00Z',
  '2026-04-05T03:00:00Z',
  '2026-09-06T04:00:00Z',
  '2026-04-04T15:00:00Z',
  '2026-10-03T15:30:00Z',
].map((instant) => Date.parse(instant));

const anyInstant = fc.integer({ min: FROM, max: UNTIL - 1 });
const nearClockChange = fc
  .tuple(
    fc.constantFrom(...CLOCK_CHANGES),
    fc.integer({ min: -3 * DAY_MS, max: 3 * DAY_MS }),
  )
  .map(([change, shift]) => change + shift);
const instant = fc.oneof(anyInstant, nearClockChange);

// Minutes between 00:00 and 03:30 are drawn often, as that is where the
// clocks change.
const minute = fc.oneof(
  fc.integer({ min: 0, max: 1439 }),
  fc.integer({ min: 0, max: 210 }),
);
const customWindow: fc.Arbitrary<SendingWindow> = fc
  .record({
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), {
      minLength: 1,
      maxLength: 7,
    }),
    first: minute,
    second: minute,
    excludeHolidays: fc.boolean(),
  })
  .filter(({ first, second }) => first !== second)
  .map(({ days, first, second, excludeHolidays }) => ({
    days,
    start: hhmm(Math.min(first, second)),
    end: hhmm(Math.max(first, second)),
    excludeHolidays,
  }));
const window = fc.oneof(
  fc.constant<SendingWindow>(DEFAULT_SENDING_WINDOW),
  customWindow,
);

function hhmm(minutes: number): string {
  const hours = String(Math.floor(minutes / 60)).padStart(2, '0');
  return `${hours}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The first instant open on a one-minute grid from `at` to `before`. */
function firstOpenOnGrid(
  open: (ms: number) => boolean,
  at: number,
  before: number,
): string | undefined {
  const end = Math.min(before, at + GRID_LIMIT_MS);
  for (let t = at; t < end; t += MINUTE_MS) {
    if (open(t)) return new Date(t).toISOString();
  }
  return undefined;
}

describe('nextOpening over 2026 and 2027', () => {
  it('is never before at, is open, and nothing before it is open', () => {
    fc.assert(
      fc.property(
        instant,
        window,
        fc.constantFrom(...Object.keys(SHOPS)),
        (at, sendingWindow, name) => {
          const { timeZone, calendar } = SHOPS[name] as Shop;
          const open = (ms: number): boolean =>
            isInsideWindow(new Date(ms), sendingWindow, timeZone, calendar);
          const opening = nextOpening(
            new Date(at),
            sendingWindow,
            timeZone,
            calendar,
          ).getTime();

          expect(opening).toBeGreaterThanOrEqual(at);
          expect(open(opening)).toBe(true);
          if (opening === at) return;

          expect(open(opening - 1)).toBe(false);
          expect(firstOpenOnGrid(open, at, opening)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});
