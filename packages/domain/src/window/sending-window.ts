import { z } from 'zod';
import type { HolidayCalendar } from './holiday-calendar';
import {
  addDays,
  instantsAtWallTime,
  isoWeekdayOf,
  offsetChangeOn,
  wallTimeAt,
} from './wall-clock';

export { holidayCalendarFor } from './holiday-calendar';
export type { HolidayCalendar, HolidayRegion } from './holiday-calendar';

/**
 * When marketing SMS may go out, in the shop's local time. Transactional
 * messages ignore it. Validate one from outside with
 * {@link sendingWindowSchema} before use.
 */
export interface SendingWindow {
  /**
   * ISO weekdays on which the window opens: 1 = Monday … 7 = Sunday.
   * @defaultValue `[1, 2, 3, 4, 5, 6]`
   */
  days: readonly number[];
  /**
   * Local opening time, `HH:MM`, included: the window is open from
   * `start`:00.000.
   * @defaultValue `'08:00'`
   */
  start: string;
  /**
   * Local closing time, `HH:MM`, excluded: at `end`:00.000 the window is
   * closed. Always after `start`; a window never spans midnight.
   * @defaultValue `'20:00'`
   */
  end: string;
  /**
   * Whether the public holidays of the shop's calendar close the window.
   * @defaultValue `true`
   */
  excludeHolidays: boolean;
}

/**
 * The French commercial SMS window: Monday to Saturday, 08:00 to 20:00,
 * closed on public holidays.
 */
export const DEFAULT_SENDING_WINDOW: Readonly<SendingWindow> = Object.freeze({
  days: Object.freeze([1, 2, 3, 4, 5, 6]),
  start: '08:00',
  end: '20:00',
  excludeHolidays: true,
});

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
const TIME_MESSAGE = 'must be a time HH:MM from 00:00 to 23:59';

// Generous: with at least one weekday allowed, only a calendar that is all
// holidays keeps the window shut for a year.
const SEARCH_DAYS = 400;

/**
 * Validates a {@link SendingWindow} from outside (shop settings, API).
 * Refuses an empty `days`, a day outside 1..7 or repeated, a time not
 * `HH:MM` from 00:00 to 23:59, an `end` not after `start` and any other
 * field (a misspelt one would otherwise be dropped silently); each
 * message names the rule.
 *
 * @example sendingWindowSchema.parse({
 *   days: [1, 2, 3, 4, 5], start: '09:00', end: '19:00',
 *   excludeHolidays: true,
 * })
 */
export const sendingWindowSchema: z.ZodType<SendingWindow> = z
  .strictObject({
    days: z
      .array(
        z
          .number()
          .int('days must be whole ISO weekdays')
          .min(1, 'days must be ISO weekdays from 1 (Monday) to 7 (Sunday)')
          .max(7, 'days must be ISO weekdays from 1 (Monday) to 7 (Sunday)'),
      )
      .min(1, 'days must list at least one weekday')
      .refine(
        (days) => new Set(days).size === days.length,
        'days must not repeat a weekday',
      ),
    start: z.string().regex(HH_MM, `start ${TIME_MESSAGE}`),
    end: z.string().regex(HH_MM, `end ${TIME_MESSAGE}`),
    excludeHolidays: z.boolean('excludeHolidays must be true or false'),
  })
  .refine(({ start, end }) => endsAfterStart(start, end), {
    message: 'end must be after start',
    path: ['end'],
  });

/**
 * Whether the window is open at `at` for a shop in `timeZone` (IANA, e.g.
 * `Europe/Paris`): its local weekday is in `days`, its local time is in
 * [`start`, `end`), and, when `excludeHolidays`, its local date is not a
 * holiday of `calendar`.
 *
 * @example isInsideWindow(new Date('2026-07-11T17:59:59.999Z'),
 *   DEFAULT_SENDING_WINDOW, 'Europe/Paris', holidayCalendarFor({
 *   country: 'FR' })) // true: Saturday 19:59:59.999 in Paris
 */
export function isInsideWindow(
  at: Date,
  window: SendingWindow,
  timeZone: string,
  calendar: HolidayCalendar,
): boolean {
  return isOpenAt(at.getTime(), window, timeZone, calendar);
}

/**
 * `at` itself when the window is open then, else the first instant after
 * `at` at which it opens, in the shop's `timeZone`. Daylight-saving
 * changes are followed: the window opens when the local clock reads
 * `start`, whatever the offset.
 *
 * When `start` does not exist on a day (it falls in a spring-forward
 * gap), the window opens at the clock change, the first instant whose
 * local time is past `start`. When it exists twice (a fall-back overlap),
 * the window opens at its first occurrence, and, if the clock then falls
 * back before `start`, again at the second. Europe/Paris changes between
 * 02:00 and 03:00, so a `start` from 04:00 to 23:59 is never affected.
 *
 * Throws a RangeError if the window stays shut for 400 days (a calendar
 * that is all holidays), or for an unknown time zone.
 *
 * @example nextOpening(new Date('2026-07-11T18:00:00Z'),
 *   DEFAULT_SENDING_WINDOW, 'Europe/Paris', holidayCalendarFor({
 *   country: 'FR' })) // 2026-07-13T06:00:00Z, Monday 08:00 in Paris
 */
export function nextOpening(
  at: Date,
  window: SendingWindow,
  timeZone: string,
  calendar: HolidayCalendar,
): Date {
  const instant = at.getTime();
  if (isOpenAt(instant, window, timeZone, calendar)) return new Date(instant);

  // Start a day early: a clock that falls back across midnight takes the
  // local date back with it, and the window may reopen on that date.
  const today = wallTimeAt(instant, timeZone).date;
  for (let day = -1; day <= SEARCH_DAYS; day += 1) {
    const date = addDays(today, day);
    const opening = openingOn(date, instant, window, timeZone, calendar);
    if (opening !== undefined) return new Date(opening);
  }

  throw new RangeError(
    `The sending window stays shut for ${SEARCH_DAYS} days after ` +
      at.toISOString(),
  );
}

/** The first instant after `after` at which the window opens on `date`. */
function openingOn(
  date: string,
  after: number,
  window: SendingWindow,
  timeZone: string,
  calendar: HolidayCalendar,
): number | undefined {
  if (!isOpenDate(date, window, calendar)) return undefined;

  // The window opens when the clock reaches `start`, or when a clock
  // change moves it into [start, end): past a `start` in a spring-forward
  // gap, or back below an `end` it had reached.
  const candidates = instantsAtWallTime(
    date,
    minutesOf(window.start),
    timeZone,
  );
  const change = offsetChangeOn(date, timeZone);
  if (change !== undefined) candidates.push(change);

  const openings = candidates.filter(
    (candidate) =>
      candidate > after && isOpenAt(candidate, window, timeZone, calendar),
  );
  return openings.length > 0 ? Math.min(...openings) : undefined;
}

function isOpenAt(
  instant: number,
  window: SendingWindow,
  timeZone: string,
  calendar: HolidayCalendar,
): boolean {
  const { date, minuteOfDay } = wallTimeAt(instant, timeZone);

  return (
    minuteOfDay >= minutesOf(window.start) &&
    minuteOfDay < minutesOf(window.end) &&
    isOpenDate(date, window, calendar)
  );
}

// The holiday look-up comes last: it is the dearest check.
function isOpenDate(
  date: string,
  window: SendingWindow,
  calendar: HolidayCalendar,
): boolean {
  if (!window.days.includes(isoWeekdayOf(date))) return false;
  return !(window.excludeHolidays && calendar.isHoliday(date));
}

// Zod still runs this when a time failed its pattern; that time already
// has its own message, so only compare well-formed ones.
function endsAfterStart(start: string, end: string): boolean {
  if (!HH_MM.test(start) || !HH_MM.test(end)) return true;
  return minutesOf(end) > minutesOf(start);
}

function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}
