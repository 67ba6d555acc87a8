/** Realistic demo clients: French names, mobiles typed as staff type them. */

const FEMALE = [
  'Claire',
  'Hélène',
  'Anaïs',
  'Chloé',
  'Léa',
  'Manon',
  'Camille',
  'Inès',
  'Zoé',
  'Élodie',
  'Margaux',
  'Juliette',
  'Sophie',
  'Noémie',
  'Cécile',
  'Brigitte',
  'Françoise',
  'Maëlle',
  'Agnès',
  'Océane',
];
const MALE = [
  'Jean',
  'Lucas',
  'Hugo',
  'Théo',
  'Louis',
  'Mathéo',
  'Gaël',
  'Noël',
  'Jérôme',
  'François',
  'Benoît',
  'Loïc',
  'Rémi',
  'Hervé',
  'Étienne',
  'Thibault',
  'Yannick',
  'Grégoire',
  'Maxime',
  'Raphaël',
];
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefèvre',
  'Michel',
  'Garcia',
  'David',
  'Bertrand',
  'Roux',
  'Vincent',
  'Fournier',
  'Morel',
  'Girard',
  'André',
  'Lefebvre',
  'Mercier',
  'Dupont',
  'Lambert',
  'Bonnet',
  'François',
  'Martinez',
  'Le Gall',
  "D'Almeida",
  'Château',
  'Nguyễn',
  'Bœuf',
];

export interface DemoClient {
  civility: string;
  firstName: string;
  lastName: string;
  mobile?: string;
  email?: string;
  smsConsent: boolean;
  emailConsent: boolean;
  consentSource?: string;
  /** Typed wrongly on purpose: the API must refuse it with the reason. */
  invalidMobile: boolean;
}

/** A deterministic generator, so two runs create the same kinds of clients. */
export function demoClients(count: number, seed = 7): DemoClient[] {
  const random = lcg(seed);
  return Array.from({ length: count }, (_, n) => demoClient(n, random));
}

function demoClient(n: number, random: () => number): DemoClient {
  const female = random() < 0.55;
  const firstName = pick(female ? FEMALE : MALE, random);
  const lastName = pick(LAST, random);
  const invalidMobile = n % 97 === 13;
  const mobile =
    random() < 0.05
      ? undefined
      : invalidMobile
        ? invalidNumber(n)
        : typedMobile(n, random);
  const email = random() < 0.07 ? undefined : emailOf(firstName, lastName, n);
  const smsConsent = random() < 0.88;
  const emailConsent = random() < 0.8;

  return {
    civility: female ? 'Mme' : 'M.',
    firstName,
    lastName,
    mobile,
    email,
    smsConsent,
    emailConsent,
    consentSource:
      smsConsent || emailConsent
        ? pick(['in_shop', 'signed_form'], random)
        : undefined,
    invalidMobile: invalidMobile && mobile !== undefined,
  };
}

/** The same mobile in one of the forms staff actually type. */
function typedMobile(n: number, random: () => number): string {
  // Nine national digits after the leading 0, unique per client.
  const digits =
    random() < 0.8
      ? `6${String(12_000_000 + n).padStart(8, '0')}`
      : `78${String(1_000_000 + n).padStart(7, '0')}`;
  const pairs = digits.slice(1).match(/../g)!;
  switch (n % 4) {
    case 0:
      return `0${digits[0]} ${pairs.join(' ')}`;
    case 1:
      return `+33 ${digits[0]} ${pairs.join(' ')}`;
    case 2:
      return `0033${digits}`;
    default:
      return `0${digits[0]}.${pairs.join('.')}`;
  }
}

function invalidNumber(n: number): string {
  return n % 2 === 0 ? '01 45 67 89 10' : '06 12 34';
}

function emailOf(firstName: string, lastName: string, n: number): string {
  const ascii = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/œ/g, 'oe')
      .toLowerCase()
      .replace(/[^a-z]/g, '');
  return `${ascii(firstName)}.${ascii(lastName)}${n}@example.org`;
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)]!;
}

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/** A one-page PDF invoice, generated so the demo needs no file on disk. */
export function invoicePdf(clientName: string, number: number): Buffer {
  const text = `Facture ${number} - ${clientName.replace(/[()\\]/g, '')}`;
  const stream = `BT /F1 14 Tf 50 780 Td (${asciiOnly(text)}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets
    .map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)
    .join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function asciiOnly(text: string): string {
  return text.normalize('NFD').replace(/[^\x20-\x7e]/g, '');
}
