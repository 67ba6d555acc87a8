import { parse } from 'csv-parse/sync';
import { foldForSearch } from '@optic/domain';
import type {
  ImportedClient,
  ImportedVisit,
  Shop,
  VisitStatus,
} from '@optic/db';
import { ApiProblem } from '../http/problem';
import type { FieldError } from '../http/problem';
import { checkEmail, checkMobile } from '../routes/client-contact';
import type { PhysicalLine } from './csv-text';

/** A line, or one bad field of a line, refused by the import. */
export interface LineRejection {
  line: number;
  /** The column as the file names it, or `(line)` for the line as a whole. */
  field: string;
  reason: string;
}

type ColumnKey =
  | 'externalId'
  | 'civility'
  | 'lastName'
  | 'firstName'
  | 'mobile'
  | 'email'
  | 'smsConsent'
  | 'emailConsent'
  | 'visitExternalId'
  | 'visitKind'
  | 'visitDate'
  | 'visitStatus'
  | 'readyDate'
  | 'lensBoxDays';

/**
 * The columns an import understands, each under the names practice
 * applications give it (compared without case, accents or punctuation).
 * The first name is the one this API documents.
 */
const COLUMNS: Record<ColumnKey, readonly string[]> = {
  externalId: [
    'id_client',
    'code_client',
    'numero_client',
    'num_client',
    'n_client',
    'ref_client',
  ],
  civility: ['civilite'],
  lastName: ['nom', 'nom_client'],
  firstName: ['prenom'],
  mobile: [
    'mobile',
    'portable',
    'tel_portable',
    'telephone_portable',
    'tel_mobile',
  ],
  email: ['email', 'mail', 'courriel', 'adresse_email'],
  smsConsent: ['consentement_sms', 'accord_sms', 'optin_sms', 'accepte_sms'],
  emailConsent: [
    'consentement_email',
    'accord_email',
    'optin_email',
    'accepte_email',
    'consentement_mail',
    'accord_mail',
  ],
  visitExternalId: [
    'id_visite',
    'numero_visite',
    'n_visite',
    'num_visite',
    'numero_dossier',
  ],
  visitKind: ['type_visite', 'type'],
  visitDate: ['date_visite', 'date'],
  visitStatus: ['statut', 'etat'],
  readyDate: ['date_prete', 'date_pret', 'date_disponible'],
  lensBoxDays: ['duree_boite', 'duree_boite_jours', 'duree_lentilles'],
};

const REQUIRED: readonly ColumnKey[] = ['externalId', 'lastName'];

const YES = new Set(['oui', 'o', 'yes', 'y', '1', 'true', 'vrai', 'x']);
const NO = new Set(['non', 'n', 'no', '0', 'false', 'faux']);

const KINDS: Record<string, ImportedVisit['kind']> = {
  lunettes: 'glasses',
  optique: 'glasses',
  glasses: 'glasses',
  lentilles: 'contact_lenses',
  lentille: 'contact_lenses',
  'lentilles de contact': 'contact_lenses',
  'contact lenses': 'contact_lenses',
  reparation: 'repair',
  sav: 'repair',
  repair: 'repair',
};

const STATUSES: Record<string, VisitStatus> = {
  devis: 'quoted',
  quoted: 'quoted',
  commande: 'ordered',
  commandee: 'ordered',
  'en commande': 'ordered',
  ordered: 'ordered',
  prete: 'ready',
  pret: 'ready',
  disponible: 'ready',
  ready: 'ready',
  livree: 'collected',
  livre: 'collected',
  retiree: 'collected',
  retire: 'collected',
  collected: 'collected',
  annulee: 'cancelled',
  annule: 'cancelled',
  cancelled: 'cancelled',
};

/** The delimiter and the meaning of each column, from the header line. */
export interface CsvLayout {
  delimiter: ';' | ',';
  /** Fields on every line. */
  width: number;
  /** Position of each meaning present. */
  indexOf: Partial<Record<ColumnKey, number>>;
  /** The header's own name for each meaning present. */
  nameOf: Partial<Record<ColumnKey, string>>;
}

/**
 * Reads the header: `;` or `,` (whichever it uses more), every column
 * known, none twice, `id_client` and `nom` present. Anything else is a 422
 * naming each bad column.
 */
export function readHeader(header: PhysicalLine): CsvLayout {
  const semicolons = header.text.split(';').length;
  const commas = header.text.split(',').length;
  const delimiter = semicolons >= commas ? ';' : ',';
  const names = parseFields(header.text, delimiter) ?? [];

  const errors: FieldError[] = [];
  const indexOf: Partial<Record<ColumnKey, number>> = {};
  const nameOf: Partial<Record<ColumnKey, string>> = {};
  for (const [index, name] of names.entries()) {
    const key = columnKey(name);
    if (!key) {
      errors.push({
        path: `header.${name}`,
        message: `unknown column; the columns are ${Object.values(COLUMNS)
          .map((aliases) => aliases[0])
          .join(', ')}`,
      });
    } else if (nameOf[key]) {
      errors.push({
        path: `header.${name}`,
        message: `same column as ${nameOf[key]}`,
      });
    } else {
      nameOf[key] = name;
      indexOf[key] = index;
    }
  }
  for (const key of REQUIRED) {
    if (!nameOf[key] && errors.length < 20) {
      errors.push({
        path: `header.${COLUMNS[key][0]}`,
        message: `missing column (also read as ${COLUMNS[key].slice(1).join(', ')})`,
      });
    }
  }
  if (errors.length > 0) {
    throw new ApiProblem(
      422,
      'invalid_header',
      `line 1: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`,
      errors,
    );
  }
  return { delimiter, width: names.length, indexOf, nameOf };
}

function columnKey(name: string): ColumnKey | undefined {
  const folded = foldForSearch(name).replace(/ /g, '_');
  return (Object.keys(COLUMNS) as ColumnKey[]).find((key) =>
    COLUMNS[key].includes(folded),
  );
}

/**
 * Splits lines into fields. A line without any quote is cut at each
 * delimiter, which is what csv-parse returns for it, only faster; the
 * others go to csv-parse a group at a time, and should a group not come
 * back as exactly one record per line (a quote left open swallows the
 * next lines), each of its lines is parsed alone so that only the bad one
 * is refused.
 */
export function splitLines(
  lines: PhysicalLine[],
  delimiter: string,
): ({ line: number; fields: string[] } | LineRejection)[] {
  const quoted = lines.filter((l) => l.text.includes('"'));
  const parsed = new Map(
    (parseGroup(quoted, delimiter) ?? quoted.map(parseAlone(delimiter))).map(
      (result) => [result.line, result],
    ),
  );
  return lines.map(
    (line) =>
      parsed.get(line.number) ?? {
        line: line.number,
        fields: line.text.split(delimiter).map((field) => field.trim()),
      },
  );
}

function parseAlone(delimiter: string) {
  return (
    line: PhysicalLine,
  ): { line: number; fields: string[] } | LineRejection => {
    const fields = parseFields(line.text, delimiter);
    return fields
      ? { line: line.number, fields }
      : {
          line: line.number,
          field: '(line)',
          reason: 'a quoted field is not closed on this line',
        };
  };
}

function parseGroup(
  lines: PhysicalLine[],
  delimiter: string,
): { line: number; fields: string[] }[] | null {
  if (lines.length === 0) return [];
  try {
    const records = parse(lines.map((l) => l.text).join('\n'), {
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      info: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    const aligned =
      records.length === lines.length &&
      records.every((r, i) => r.info.lines === i + 1);
    return aligned
      ? records.map((r, i) => ({ line: lines[i]!.number, fields: r.record }))
      : null;
  } catch {
    return null;
  }
}

function parseFields(text: string, delimiter: string): string[] | null {
  try {
    const records: string[][] = parse(text, {
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      trim: true,
    });
    return records.length === 1 ? records[0]! : null;
  } catch {
    return null;
  }
}

/**
 * Checks one line and builds what the import writes, or names every bad
 * field. Nothing of a refused line is written.
 */
export function checkLine(
  shop: Shop,
  layout: CsvLayout,
  line: number,
  fields: string[],
): ImportedClient | LineRejection[] {
  if (fields.length !== layout.width) {
    return [
      {
        line,
        field: '(line)',
        reason: `${fields.length} fields where the header has ${layout.width}`,
      },
    ];
  }
  const cell = (key: ColumnKey): string => {
    const index = layout.indexOf[key];
    return index === undefined ? '' : fields[index]!;
  };
  const rejections: LineRejection[] = [];
  const refuse = (key: ColumnKey, reason: string): null => {
    rejections.push({
      line,
      field: layout.nameOf[key] ?? COLUMNS[key][0]!,
      reason,
    });
    return null;
  };

  const client = readClient(shop, cell, refuse);
  const visit = readVisit(shop, cell, refuse);
  if (rejections.length > 0) return rejections;
  return { ...client, line, visit };
}

type Cell = (key: ColumnKey) => string;
type Refuse = (key: ColumnKey, reason: string) => null;

function readClient(
  shop: Shop,
  cell: Cell,
  refuse: Refuse,
): Omit<ImportedClient, 'line' | 'visit'> {
  const text = (key: ColumnKey, max: number, required = false) => {
    const value = cell(key);
    if (value === '') return required ? refuse(key, 'required') : null;
    return value.length > max
      ? refuse(key, `longer than ${max} characters`)
      : value;
  };
  const mobile = cell('mobile') ? checkMobile(shop, cell('mobile')) : null;
  const email = cell('email') ? checkEmail(cell('email')) : null;
  if (mobile && !mobile.ok) refuse('mobile', mobile.message);
  if (email && !email.ok) refuse('email', email.message);

  return {
    externalId: text('externalId', 100, true) ?? '',
    civility: text('civility', 20),
    lastName: text('lastName', 100, true) ?? '',
    firstName: text('firstName', 100),
    mobile: mobile?.ok ? mobile.value : null,
    email: email?.ok ? email.value : null,
    smsConsent: yesNo(cell, 'smsConsent', refuse),
    emailConsent: yesNo(cell, 'emailConsent', refuse),
  };
}

function yesNo(cell: Cell, key: ColumnKey, refuse: Refuse): boolean | null {
  const value = foldForSearch(cell(key));
  if (value === '') return null;
  if (YES.has(value)) return true;
  if (NO.has(value)) return false;
  return refuse(key, 'oui or non');
}

function readVisit(
  shop: Shop,
  cell: Cell,
  refuse: Refuse,
): ImportedVisit | null {
  const keys: ColumnKey[] = [
    'visitExternalId',
    'visitKind',
    'visitDate',
    'visitStatus',
    'readyDate',
    'lensBoxDays',
  ];
  if (keys.every((key) => cell(key) === '')) return null;

  const kind = KINDS[foldForSearch(cell('visitKind'))];
  if (!kind) {
    refuse(
      'visitKind',
      cell('visitKind') === ''
        ? 'required with a visit'
        : 'lunettes, lentilles or reparation',
    );
  }
  const visitDate = frenchDate(cell('visitDate'));
  if (!visitDate) {
    refuse(
      'visitDate',
      cell('visitDate') === ''
        ? 'required with a visit'
        : 'a date written dd/mm/yyyy',
    );
  }
  const status = visitStatus(cell, refuse);
  const readyAt = readyDate(shop, cell, refuse);
  const lensBoxDays = boxDays(cell, kind, refuse);
  const externalId = cell('visitExternalId');
  if (externalId.length > 100)
    refuse('visitExternalId', 'longer than 100 characters');

  return {
    externalId: externalId || null,
    kind: kind ?? 'glasses',
    visitDate: visitDate ?? '',
    status,
    readyAt,
    lensBoxDays,
  };
}

function visitStatus(cell: Cell, refuse: Refuse): VisitStatus | null {
  if (cell('visitStatus') === '') return null;
  const status = STATUSES[foldForSearch(cell('visitStatus'))];
  return (
    status ?? refuse('visitStatus', 'devis, commande, prete, livree or annulee')
  );
}

function readyDate(shop: Shop, cell: Cell, refuse: Refuse): Date | null {
  if (cell('readyDate') === '') return null;
  const date = frenchDate(cell('readyDate'));
  if (!date) return refuse('readyDate', 'a date written dd/mm/yyyy');
  return localMidnight(date, shop.timeZone);
}

function boxDays(
  cell: Cell,
  kind: ImportedVisit['kind'] | undefined,
  refuse: Refuse,
): number | null {
  const typed = cell('lensBoxDays');
  if (typed === '') return null;
  if (!/^\d{1,4}$/.test(typed) || Number(typed) < 1 || Number(typed) > 3650) {
    return refuse('lensBoxDays', 'a number of days from 1 to 3650');
  }
  if (kind && kind !== 'contact_lenses') {
    return refuse('lensBoxDays', 'only contact lenses have a box duration');
  }
  return Number(typed);
}

/** `dd/mm/yyyy` (or with `-` or `.`) to `yyyy-mm-dd`, if the day exists. */
export function frenchDate(typed: string): string | null {
  const match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(typed);
  if (!match) return null;
  const [day, month, year] = [match[1], match[2], match[3]].map(Number) as [
    number,
    number,
    number,
  ];
  if (year < 1900 || year > 2100) return null;

  const date = new Date(Date.UTC(year, month - 1, day));
  const exists =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  return exists ? date.toISOString().slice(0, 10) : null;
}

// Building a formatter costs far more than using one.
const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The instant a calendar day starts in a time zone. */
function localMidnight(date: string, timeZone: string): Date {
  const utc = Date.parse(`${date}T00:00:00Z`);
  let wallClock = wallClocks.get(timeZone);
  if (!wallClock) {
    wallClock = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallClocks.set(timeZone, wallClock);
  }
  const parts = wallClock.formatToParts(utc);
  const part = (type: string) =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return new Date(utc - (wall - utc));
}
