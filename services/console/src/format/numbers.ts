/** Counts and credits with French grouping: 3 999 996. */
const GROUPED = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return GROUPED.format(value);
}

/** A ledger movement: +250, −1 200 as the sign shows which way it went. */
export function formatSigned(value: number): string {
  return value > 0 ? `+${GROUPED.format(value)}` : GROUPED.format(value);
}

/** A sending rate, one decimal: 12,5. */
export function formatRate(value: number): string {
  return new Intl.NumberFormat('fr-FR', {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}
