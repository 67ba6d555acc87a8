import { z } from 'zod';

// PostgreSQL takes years from 4713 BC, but a visit, a purchase or a send
// outside these years is a typing error, and year 0 makes it fail as a 500.
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;
const YEARS = `a year from ${FIRST_YEAR} to ${LAST_YEAR}`;

function yearInRange(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

/** A day that exists, `yyyy-mm-dd` (zod refuses `2026-02-31`). */
export const calendarDate = z.iso
  .date({ error: 'a date that exists, written yyyy-mm-dd', abort: true })
  .refine(yearInRange, YEARS);

/** An instant with its offset, ISO 8601, on a day that exists. */
export const instant = z.iso
  .datetime({
    offset: true,
    abort: true,
    error:
      'a date and time that exist, with an offset: 2026-12-08T09:00:00+01:00',
  })
  .refine(yearInRange, YEARS);
