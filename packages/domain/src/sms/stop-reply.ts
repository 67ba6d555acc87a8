// The words French recipients use to opt out; the first word decides, so
// "Stop merci" and "ARRÊT SMS" count, "Arrêtez de m'écrire" too.
const STOP_WORDS = new Set([
  'STOP',
  'STOPSMS',
  'ARRET',
  'ARRETER',
  'ARRETEZ',
  'DESABONNER',
  'DESABONNEMENT',
  'DESINSCRIRE',
  'DESINSCRIPTION',
  'UNSUBSCRIBE',
]);

/**
 * Whether an SMS reply asks to receive nothing more: `STOP`, `Stop`,
 * `STOP SMS`, `ARRET`, `ARRÊT`, with any case, accents or punctuation.
 *
 * @example isStopReply(' arrêt SMS.') // true
 */
export function isStopReply(text: string): boolean {
  const words = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()
    .split(' ');
  return STOP_WORDS.has(words[0] ?? '');
}
