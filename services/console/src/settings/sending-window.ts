import type { SendingWindow } from '../api/api-types';

/** ISO week days, Monday first, as the API numbers them (1 to 7). */
export const DAYS = ['Lun', 'Mar', 'Mer', 'Jeu', 'Ven', 'Sam', 'Dim'];

/** The French commercial window, what the API applies when none is set. */
export const FRENCH_WINDOW: SendingWindow = {
  days: [1, 2, 3, 4, 5, 6],
  start: '08:00',
  end: '20:00',
  excludeHolidays: true,
};

/**
 * When a commercial SMS leaves, in words: "Envoi des SMS commerciaux :
 * Lun, Mar, Sam de 08:00 à 20:00, hors jours fériés".
 */
export function windowSummary(window: SendingWindow): string {
  const days = window.days.map((day) => DAYS[day - 1]).join(', ');
  const holidays = window.excludeHolidays ? ', hors jours fériés' : '';
  return (
    `Envoi des SMS commerciaux : ${days || 'aucun jour'} de ${window.start} ` +
    `à ${window.end}${holidays} ; en dehors, ils attendent la plage suivante.`
  );
}
