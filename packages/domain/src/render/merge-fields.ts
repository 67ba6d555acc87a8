/** The name of a merge field, written `%name` in a template. */
export type MergeFieldName =
  | 'civilite'
  | 'nom'
  | 'prenom'
  | 'datevisite'
  | 'magasin'
  | 'stopsms'
  | 'minisite';

/** A merge field as the template editor lists it. */
export interface MergeField {
  /** The name after the `%`. */
  name: MergeFieldName;
  /** What staff type in a template, e.g. `%prenom`. */
  token: `%${MergeFieldName}`;
  /** The French label shown next to the token. */
  label: string;
}

/** Every merge field of the manual, in the order the editor shows them. */
export const MERGE_FIELDS: readonly MergeField[] = Object.freeze([
  field('civilite', 'Civilité du client'),
  field('nom', 'Nom du client'),
  field('prenom', 'Prénom du client'),
  field('datevisite', 'Date de visite'),
  field('magasin', 'Raison sociale du magasin'),
  field('stopsms', 'Gestion du stop Sms'),
  field('minisite', 'Mini-site'),
]);

/** The values substituted for one recipient. A missing value renders empty. */
export interface MergeValues {
  /** `%civilite`, e.g. `Mme`. */
  civilite?: string;
  /** `%nom`, the client's last name. */
  nom?: string;
  /** `%prenom`, the client's first name. */
  prenom?: string;
  /** `%datevisite`, rendered `dd/mm/yyyy` in {@link MergeValues.timeZone}. */
  datevisite?: Date | null;
  /** `%magasin`, the shop's trading name. */
  magasin?: string;
  /** `%stopsms`, the opt-out mention, e.g. `STOP au 36111`. */
  stopsms?: string;
  /** `%minisite`, the link to the shop's mini-site. */
  minisite?: string;
  /** The shop's IANA time zone, e.g. `Europe/Paris`, `America/Guadeloupe`. */
  timeZone: string;
}

/** Options of {@link renderMergeFields}. */
export interface RenderMergeFieldsOptions {
  /**
   * Applied to every substituted value, never to the template text; pass an
   * HTML escaper for e-mail bodies.
   *
   * @defaultValue no escaping
   */
  escape?: (value: string) => string;
  /**
   * Leave a field whose value is `undefined` as its `%name` token instead
   * of rendering it empty: a preview without a recipient shows the fields
   * it cannot fill, and counts them as typed.
   *
   * @defaultValue false
   */
  keepMissing?: boolean;
}

// A field name is the whole run of letters after `%`, so `%prenoms` is not
// `%prenom` followed by `s`, and `20 %` or `20%,` stay plain text.
const FIELD_PATTERN = /%(\p{L}+)/gu;

const FIELD_NAMES: ReadonlySet<string> = new Set(
  MERGE_FIELDS.map((known) => known.name),
);

/**
 * Lists the `%word` tokens of a template that are not merge fields, once
 * each in order of appearance, so that saving can refuse them by name.
 *
 * @example findUnknownMergeFields('Bonjour %prenon, -20 % !') // ['%prenon']
 */
export function findUnknownMergeFields(text: string): string[] {
  const unknown = new Set<string>();
  for (const [token, name] of text.matchAll(FIELD_PATTERN)) {
    if (!isMergeFieldName(name)) unknown.add(token);
  }
  return [...unknown];
}

/**
 * Tells whether a template uses a merge field.
 *
 * @example containsMergeField('Infos %stopsms', 'stopsms') // true
 */
export function containsMergeField(
  text: string,
  name: MergeFieldName,
): boolean {
  return Array.from(text.matchAll(FIELD_PATTERN)).some(
    (match) => match[1] === name,
  );
}

/**
 * Replaces the merge fields of a template with a recipient's values. Dates
 * render as `dd/mm/yyyy` in the shop's time zone; a missing value renders
 * as an empty string; an unknown `%word` is left as typed.
 *
 * @throws RangeError when `timeZone` is unknown or the visit date is invalid.
 * @example
 * const values = { prenom: 'Léa', timeZone: 'Europe/Paris' };
 * renderMergeFields('Bonjour %prenom', values); // 'Bonjour Léa'
 */
export function renderMergeFields(
  text: string,
  values: MergeValues,
  options: RenderMergeFieldsOptions = {},
): string {
  const escape = options.escape ?? ((value: string) => value);

  return text.replace(FIELD_PATTERN, (token, name: string) => {
    if (!isMergeFieldName(name)) return token;
    if (options.keepMissing && values[name] === undefined) return token;
    return escape(valueOf(name, values));
  });
}

function field(name: MergeFieldName, label: string): MergeField {
  return Object.freeze({ name, token: `%${name}` as const, label });
}

function isMergeFieldName(name: string | undefined): name is MergeFieldName {
  return name !== undefined && FIELD_NAMES.has(name);
}

function valueOf(name: MergeFieldName, values: MergeValues): string {
  if (name === 'datevisite') {
    return formatDate(values.datevisite, values.timeZone);
  }
  return values[name] ?? '';
}

function formatDate(date: Date | null | undefined, timeZone: string): string {
  if (!date) return '';

  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((candidate) => candidate.type === type)?.value ?? '';

  return `${part('day')}/${part('month')}/${part('year')}`;
}
