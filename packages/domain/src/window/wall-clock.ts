/** What the wall clock of one time zone shows at an instant, to the minute. */
export interface WallTime {
  /** Local calendar date, `YYYY-MM-DD`. */
  date: string;
  /** Whole minutes since local midnight, 0 to 1439. */
  minuteOfDay: number;
}

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

// Offsets run from UTC−12 to UTC+14, so the instants of one local day all
// fall between its UTC midnight minus 14 hours and its end plus 12 hours.
const EARLIEST_OFFSET_MS = 14 * HOUR_MS;
const LATEST_OFFSET_MS = 12 * HOUR_MS;

// Building an Intl.DateTimeFormat costs far more than using one, and the
// hot path reads the clock once per message.
const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * The wall time in `timeZone` (IANA) at `instant` (ms since the epoch).
 * Throws a RangeError for an unknown time zone.
 */
export function wallTimeAt(instant: number, timeZone: string): WallTime {
  const wallMs = wallMsAt(instant, timeZone);
  const midnight = Math.floor(wallMs / DAY_MS) * DAY_MS;

  return {
    date: isoDateOf(midnight),
    minuteOfDay: Math.floor((wallMs - midnight) / MINUTE_MS),
  };
}

/** ISO weekday of a `YYYY-MM-DD` date: 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(date: string): number {
  const sundayFirst = new Date(midnightOf(date)).getUTCDay();
  return sundayFirst === 0 ? 7 : sundayFirst;
}

/** The `YYYY-MM-DD` date `days` days after `date` (before, if negative). */
export function addDays(date: string, days: number): string {
  return isoDateOf(midnightOf(date) + days * DAY_MS);
}

/**
 * Every instant at which the wall clock of `timeZone` shows `date` at
 * `minuteOfDay`:00.000, earliest first. Usually one; two in a fall-back
 * overlap; none in a spring-forward gap, where that wall time never
 * exists.
 */
export function instantsAtWallTime(
  date: string,
  minuteOfDay: number,
  timeZone: string,
): number[] {
  const wallMs = midnightOf(date) + minuteOfDay * MINUTE_MS;

  // Rather than iterate on one guess, try every offset in force within a
  // day of that wall time and keep those that read back as it: this finds
  // both readings of an overlap and proves a gap empty.
  const probes = [wallMs - DAY_MS, wallMs, wallMs + DAY_MS];
  const offsets = new Set(probes.map((probe) => offsetAt(probe, timeZone)));
  const instants = [...offsets].map((offset) => wallMs - offset);

  return instants
    .filter((instant) => wallMsAt(instant, timeZone) === wallMs)
    .sort((a, b) => a - b);
}

/**
 * The first instant of the new offset if `timeZone` changes its offset
 * during the local day `date` (a daylight-saving change), else undefined.
 * Assumes at most one change within about two days, which holds for every
 * zone in use.
 */
export function offsetChangeOn(
  date: string,
  timeZone: string,
): number | undefined {
  const midnight = midnightOf(date);
  let before = midnight - EARLIEST_OFFSET_MS;
  let after = midnight + DAY_MS + LATEST_OFFSET_MS;

  const finalOffset = offsetAt(after, timeZone);
  if (offsetAt(before, timeZone) === finalOffset) return undefined;

  // Bisect on whole seconds: Intl reads no finer, and zones change offset
  // on a whole second.
  while (after - before > SECOND_MS) {
    const middle =
      before + Math.floor((after - before) / (2 * SECOND_MS)) * SECOND_MS;
    if (offsetAt(middle, timeZone) === finalOffset) after = middle;
    else before = middle;
  }

  return wallTimeAt(after, timeZone).date === date ? after : undefined;
}

/** Offset of `timeZone` from UTC at `instant`, in ms, positive east. */
function offsetAt(instant: number, timeZone: string): number {
  const wholeSecond = Math.floor(instant / SECOND_MS) * SECOND_MS;
  return wallMsAt(instant, timeZone) - wholeSecond;
}

/**
 * The wall time at `instant` as the epoch milliseconds of a UTC clock
 * showing the same figures, to the whole second.
 */
function wallMsAt(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((part) => part.type === type)?.value);

  return Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;

  // h23, not hour12: false, which some engines render as "24" at midnight.
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  formatters.set(timeZone, formatter);
  return formatter;
}

function midnightOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function isoDateOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
