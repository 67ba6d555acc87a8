import type { Response } from 'express';
import { escapeHtml } from '@optic/providers';

// Words whose h is aspirated: "de" stays whole before them ("de Haute
// Vision"). Any other h before a vowel is mute and takes the elision.
const ASPIRATED_H = [
  'hall',
  'halle',
  'hameau',
  'hangar',
  'hardi',
  'hasard',
  'haut',
  'havre',
  'hêtre',
  'héros',
  'hibou',
  'hollande',
  'hors',
  'houx',
  'hutte',
];

const VOWEL = /^[aeiouyàâäéèêëîïôöùûüœæ]/i;

/**
 * "de" to write before a name, elided as French writes it: "d'Optique A",
 * "d'Hélène Optique", but "de Lunettes B" and "de Haute Vision". Only the
 * name is escaped, so the apostrophe stays one.
 */
export function frenchDe(name: string): "d'" | 'de ' {
  return elides(name) ? "d'" : 'de ';
}

function elides(name: string): boolean {
  const word = name.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (VOWEL.test(word)) return true;
  if (!word.startsWith('h') || !VOWEL.test(word.slice(1))) return false;
  return !ASPIRATED_H.some((aspirated) => word.startsWith(aspirated));
}

/** The question the link's page asks before anything changes. */
export function confirmBody(shopName: string, recipient: string): string {
  return `<p>Ne plus recevoir les informations ${frenchDe(shopName)}${escapeHtml(shopName)} par e-mail
      à l'adresse ${escapeHtml(recipient)} ?</p>
      <form method="post">
        <input type="hidden" name="List-Unsubscribe" value="One-Click">
        <button type="submit">Me désabonner</button>
      </form>`;
}

export function doneBody(shopName: string): string {
  return `<p>C'est fait : vous ne recevrez plus les informations
    ${frenchDe(shopName)}${escapeHtml(shopName)} par e-mail.</p>`;
}

export function invalidLink(res: Response): void {
  page(
    res,
    404,
    'Lien inconnu',
    `<p>Ce lien de désinscription n'est pas valide. Copiez-le en entier depuis
    l'e-mail reçu, ou répondez à cet e-mail pour demander la désinscription.</p>`,
  );
}

export function page(
  res: Response,
  status: number,
  title: string,
  body: string,
): void {
  res
    .status(status)
    // The token is in the URL: keep it out of referrers and caches.
    .set({
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    })
    .type('html')
    .send(
      `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family: Helvetica, Arial, sans-serif; max-width: 32em; margin: 2em auto">
<h1 style="font-size: 1.3em">${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}
