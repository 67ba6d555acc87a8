/** Dates as French staff read them, in the shop's time zone. */

export function formatDateTime(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'short',
    timeStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

export function formatDate(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  return new Intl.DateTimeFormat('fr-FR', {
    dateStyle: 'short',
    timeZone,
  }).format(new Date(iso));
}

/** A calendar date of the API (`2026-11-20`) as `20/11/2026`. */
export function formatDay(day: string): string {
  const [year, month, date] = day.split('-');
  return `${date}/${month}/${year}`;
}
