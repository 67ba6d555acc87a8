import Holidays from 'date-holidays';
import type { HolidaysTypes } from 'date-holidays';

/** Where a shop is, as far as its public holidays go. */
export interface HolidayRegion {
  /** ISO 3166 alpha-2 code of the shop's country, e.g. `FR`, `BE`, `GP`. */
  country: string;
  /**
   * Optional subdivision. For a French shop: its overseas department or
   * collectivity (`GP`, `MQ`, `GF`, `RE`, `YT`, `PM`, `BL`, `MF`, `NC`,
   * `PF`, `WF`), or Alsace-Moselle as `57`, `67`, `68`, `ALSACE-MOSELLE`
   * or `AM`; any other French region (a metropolitan department number)
   * means the national calendar. Elsewhere, a state code that
   * date-holidays knows (`BY`, or `DE-BY`); an unknown one is ignored. An
   * `FR-` (or `<country>-`) prefix is accepted.
   */
  region?: string;
}

/** The public holidays of one place. */
export interface HolidayCalendar {
  /** The date-holidays country whose calendar this is, e.g. `FR`, `GP`. */
  readonly country: string;
  /** The date-holidays state within it, e.g. `57`, if any. */
  readonly state?: string;
  /**
   * Whether a local date (`YYYY-MM-DD`, in the place's own time zone) is
   * a public holiday there. Cheap after the first call for a year.
   * Throws a RangeError for a malformed date.
   */
  isHoliday(localDate: string): boolean;
}

/** Where date-holidays keeps a place's calendar. */
interface CalendarSource {
  country: string;
  state?: string;
}

const DAY_MS = 86_400_000;
const LOCAL_DATE = /^(\d{4})-\d{2}-\d{2}$/;

// date-holidays has each of these as a country of its own, with the
// French national days plus the local ones (e.g. abolition of slavery).
// It also has GP, MQ, GF, RE, YT, BL and MF as states of FR, with the same
// public days, but not PM, NC, PF or WF: new Holidays('FR', 'PM') silently
// falls back to mainland France. The country form covers all of them.
const FRENCH_OVERSEAS = new Set([
  'GP',
  'MQ',
  'GF',
  'RE',
  'YT',
  'PM',
  'BL',
  'MF',
  'NC',
  'PF',
  'WF',
]);
const ALSACE_MOSELLE_DEPARTMENTS = new Set(['57', '67', '68']);
const ALSACE_MOSELLE_NAMES = new Set(['ALSACE-MOSELLE', 'AM']);

// Building a date-holidays calendar parses its rules, far too slow for
// once per message; the set of places is small. Calendars are shared by
// the resolved place, and looked up by the region as typed, so that a
// repeated look-up skips the resolution.
const calendarsByPlace = new Map<string, HolidayCalendar>();
const calendarsByRegion = new Map<string, HolidayCalendar>();
let registry: Holidays | undefined;

/**
 * The public-holiday calendar of a shop, from date-holidays, built once
 * per place and then shared. Only holidays of type `public` count (not
 * `bank`, `optional` or `observance`); a public holiday that starts at
 * midday closes its whole date.
 *
 * - French region `57`, `67`, `68`, `FR-57`, `ALSACE-MOSELLE` or `AM`:
 *   Alsace-Moselle, with Good Friday and 26 December.
 * - French overseas region, or the same code as the country: that
 *   territory's own calendar (`GP` has 27 May, `RE` 20 December, …).
 *
 * Throws a RangeError when date-holidays has no calendar for the country.
 *
 * @example holidayCalendarFor({ country: 'FR', region: '67' })
 *   .isHoliday('2026-12-26') // true
 */
export function holidayCalendarFor(region: HolidayRegion): HolidayCalendar {
  const typed = `${region.country}|${region.region ?? ''}`;
  const known = calendarsByRegion.get(typed);
  if (known) return known;

  const source = sourceOf(region);
  const place = `${source.country}/${source.state ?? ''}`;
  const calendar =
    calendarsByPlace.get(place) ?? new DateHolidaysCalendar(source);

  calendarsByPlace.set(place, calendar);
  calendarsByRegion.set(typed, calendar);
  return calendar;
}

function sourceOf(region: HolidayRegion): CalendarSource {
  const country = region.country.trim().toUpperCase();
  const typed = region.region?.trim().toUpperCase();
  const subdivision = typed?.startsWith(`${country}-`)
    ? typed.slice(country.length + 1)
    : typed;

  if (!Object.hasOwn(holidayRegistry().getCountries(), country)) {
    throw new RangeError(`No holiday calendar for country "${country}"`);
  }
  if (!subdivision) return { country };
  if (country === 'FR') return frenchSource(subdivision);

  const states = holidayRegistry().getStates(country) ?? {};
  const known = Object.hasOwn(states, subdivision);
  return known ? { country, state: subdivision } : { country };
}

function frenchSource(subdivision: string): CalendarSource {
  if (FRENCH_OVERSEAS.has(subdivision)) return { country: subdivision };
  if (ALSACE_MOSELLE_DEPARTMENTS.has(subdivision)) {
    return { country: 'FR', state: subdivision };
  }
  if (ALSACE_MOSELLE_NAMES.has(subdivision)) {
    return { country: 'FR', state: '57' };
  }
  return { country: 'FR' };
}

function holidayRegistry(): Holidays {
  registry ??= new Holidays();
  return registry;
}

class DateHolidaysCalendar implements HolidayCalendar {
  readonly country: string;
  readonly state?: string;
  private readonly holidays: Holidays;
  private readonly publicDays = new Set<string>();
  private readonly listedYears = new Set<number>();
  private readonly completeYears = new Set<number>();

  constructor(source: CalendarSource) {
    this.country = source.country;
    this.state = source.state;
    this.holidays = source.state
      ? new Holidays(source.country, source.state)
      : new Holidays(source.country);
  }

  isHoliday(localDate: string): boolean {
    const match = LOCAL_DATE.exec(localDate);
    if (!match) throw new RangeError(`Not a YYYY-MM-DD date: "${localDate}"`);

    const year = Number(match[1]);
    if (!this.completeYears.has(year)) this.complete(year);
    return this.publicDays.has(localDate);
  }

  // A holiday lasting several days can start in the previous year's list.
  private complete(year: number): void {
    this.list(year - 1);
    this.list(year);
    this.completeYears.add(year);
  }

  private list(year: number): void {
    if (this.listedYears.has(year)) return;

    for (const holiday of this.holidays.getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      for (const date of datesOf(holiday)) this.publicDays.add(date);
    }
    this.listedYears.add(year);
  }
}

/** Every local date a holiday touches, from its local start date on. */
function datesOf(holiday: HolidaysTypes.Holiday): string[] {
  // `date` is the local start, "YYYY-MM-DD hh:mm:ss", perhaps with an offset.
  const firstMs = Date.parse(`${holiday.date.slice(0, 10)}T00:00:00Z`);
  const startMs = Date.parse(`${holiday.date.slice(0, 19).replace(' ', 'T')}Z`);

  // Rounding absorbs the 23- or 25-hour days of a daylight-saving change.
  const span = holiday.end.getTime() - holiday.start.getTime();
  const days = Math.max(1, Math.round((startMs - firstMs + span) / DAY_MS));

  return Array.from({ length: days }, (_, day) =>
    new Date(firstMs + day * DAY_MS).toISOString().slice(0, 10),
  );
}
