/**
 * Formats a date as Octopush writes callback dates, "Y-m-d H:i:s". The
 * documentation names no time zone; the sandbox writes UTC.
 */
export function formatOctopushDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
