import type { ApiError, FieldProblem } from '../api/api-error';
import { formatCount } from './numbers';

/**
 * The API's refusals in French, one sentence per problem. The API speaks
 * English with field paths (`text: unknown merge field %inconnu`); staff
 * read what went wrong with the words of the screen in front of them.
 */

/** The names the console's forms give the fields the API names by path. */
const FIELD_LABELS: Record<string, string> = {
  q: 'Nom ou téléphone',
  text: 'Contenu du message',
  body: 'Contenu du message',
  subject: 'Objet',
  label: 'Libellé',
  name: 'Nom',
  kind: 'Type de message',
  credits: 'Crédits achetés',
  note: 'Note',
  salesperson: 'Vendeur',
  audience: 'Destinataires',
  at: "Date d'envoi",
  smsSender: "Personnalisation de l'émetteur",
  smsHeader: 'En-tête des SMS',
  smsSignature: 'Signature des SMS',
  smsStopMention: 'Mention STOP',
  miniSiteUrl: 'Adresse du mini-site',
  sendingWindow: "Plage d'envoi des SMS commerciaux",
  fromAddress: "Mail de l'expéditeur",
  fromName: "Nom de l'expéditeur",
  smtp: 'Serveur SMTP',
  'smtp.host': 'Serveur SMTP',
  'smtp.port': 'Port',
  'smtp.tlsMode': 'Sécurité',
  'smtp.user': 'Utilisateur',
  'smtp.password': 'Mot de passe',
  copy: 'Copie de chaque mail',
  'copy.address': 'Adresse de copie',
  file: 'Fichier',
  documentIds: 'Pièces jointes',
  mobile: 'Portable',
  email: 'E-mail',
};

/** Sentences for a whole problem, whatever its fields say. */
const BY_CODE: Record<string, (error: ApiError) => string> = {
  network: () => 'Le serveur ne répond pas : réessayez.',
  client_error: (error) =>
    `La page a rencontré une erreur (${error.title}) : rechargez-la.`,
  unauthorized: () => 'Clé inconnue ou révoquée : reconnectez-vous.',
  forbidden: () => 'Votre clé ne permet pas cette action.',
  rate_limited: () => 'Trop de demandes : patientez quelques secondes.',
  sms_too_long: (error) => smsTooLong(error),
  unsafe_html: () =>
    'Le contenu du mail contient un élément interdit (script, lien « javascript: »…) : retirez-le.',
  attachments_too_large: () =>
    'Les pièces jointes sont trop lourdes pour un seul mail : retirez-en.',
  payload_too_large: () => 'Le fichier ou le texte envoyé est trop lourd.',
  empty_file: () => 'Le fichier est vide.',
  unsupported_file_type: () =>
    "Ce type de fichier n'est pas accepté : joignez un PDF, une image ou un document bureautique.",
  template_in_use: () =>
    'Une campagne utilise ce message prédéfini : il ne peut pas être supprimé.',
  balance_limit_exceeded: () =>
    'Avec cet achat, le solde dépasserait le maximum permis : enregistrez moins de crédits.',
  empty_audience: () => 'Aucun client ne correspond à ces destinataires.',
  insufficient_credit: (error) => insufficientCredit(error),
  wrong_state: () =>
    "La campagne n'est plus dans un état qui permet cette action : la page est à jour.",
  nothing_to_retry: () => "Aucun message en échec n'est à relancer.",
  not_cancellable: () =>
    'Ce message est déjà parti : il ne peut plus être annulé.',
  request_in_progress: () =>
    'Cette demande est déjà en cours : patientez un instant.',
  idempotency_key_reused: () =>
    'Cette demande a changé depuis le premier essai : recommencez-la.',
  no_smtp_server: () =>
    "Le magasin n'a pas de serveur SMTP enregistré : renseignez-le d'abord.",
  secret_unreadable: () =>
    'Le mot de passe SMTP enregistré ne peut plus être lu : saisissez-le à nouveau.',
  secrets_disabled: () =>
    "La plateforme ne peut pas enregistrer de mot de passe : prévenez l'assistance.",
  database_unavailable: () =>
    'Le service est momentanément indisponible : réessayez dans un instant.',
  unavailable: () =>
    'Le service est momentanément indisponible : réessayez dans un instant.',
  internal: () =>
    "Erreur du serveur : réessayez ; si elle se répète, prévenez l'assistance.",
};

/** Problems whose fields each say something different: one sentence each. */
const PER_FIELD = new Set([
  'validation_failed',
  'unknown_merge_field',
  'invalid_reference',
  'invalid_mobile',
  'invalid_email',
  'invalid_contact',
  'not_found',
  'conflict',
]);

/** What a field's message says, in French, from the API's own words. */
const FIELD_MESSAGES: [RegExp, (match: RegExpExecArray) => string][] = [
  [
    /^no letter or digit to search for$/,
    () => 'tapez au moins une lettre ou un chiffre',
  ],
  [
    /^unknown merge field (\S+)$/,
    (m) => `le champ de fusion ${m[1]} n'existe pas`,
  ],
  [/^Too small: expected string to have >=1 characters$/, () => 'à remplir'],
  [
    /^Too small: expected string to have >=(\d+) characters$/,
    (m) => `${m[1]} caractères au moins`,
  ],
  [
    /^Too big: expected string to have <=(\d+) characters$/,
    (m) => `${m[1]} caractères au plus`,
  ],
  [
    /^Too small: expected number to be >=?(\d+)$/,
    (m) => `au moins ${formatCount(Number(m[1]))}`,
  ],
  [
    /^Too big: expected number to be <=?(\d+)$/,
    (m) => `au plus ${formatCount(Number(m[1]))}`,
  ],
  [/^Invalid input: expected \w+, received undefined$/, () => 'à remplir'],
  [/^required/, () => 'à remplir'],
  [/^the SMS is empty$/, () => 'le SMS est vide'],
  [
    /^unknown (client|visit|template|message|document)/,
    () => "n'existe plus : rechargez la page",
  ],
  [
    /^a \w+ template cannot be (sent|previewed)/,
    () => 'ce message prédéfini est fait pour un autre canal',
  ],
  [
    /^not a document of this client/,
    () => "une pièce jointe n'est pas à ce client",
  ],
  [/^already attached$/, () => 'une pièce jointe est en double'],
  [/^the schedule is in the past$/, () => "la date d'envoi est passée"],
  [
    /^another client of this shop has/,
    () => 'déjà utilisé par un autre client',
  ],
  [
    /^Invalid (input|option|string|email|url|URL|UUID)/i,
    () => "la valeur n'est pas valide",
  ],
];

/** Each distinct problem of an answer, once, in French. */
export function problemSentences(
  error: ApiError,
  shownBeside: readonly string[] = [],
): string[] {
  if (!PER_FIELD.has(error.code) || error.fields.length === 0) {
    return [wholeProblem(error)];
  }
  const sentences = error.fields
    .filter((field) => !shownBeside.includes(field.path))
    .map(fieldSentence);
  return [...new Set(sentences)];
}

/** The French of one field's problem, for the input that shows it. */
export function fieldText(
  error: ApiError | null,
  path: string,
): string | undefined {
  const field = error?.fields.find((candidate) => candidate.path === path);
  return field && capitalised(fieldMessage(field.message));
}

function wholeProblem(error: ApiError): string {
  const known = BY_CODE[error.code];
  if (known) return known(error);
  if (error.status === 403) return BY_CODE.forbidden!(error);
  if (error.status === 429) return BY_CODE.rate_limited!(error);
  if (error.status >= 500) return BY_CODE.internal!(error);
  // The console's own problems (no_shop, invalid_key) are French already.
  if (error.status !== 0 && !/^[a-z]/.test(error.title)) return error.title;
  return `La demande a été refusée (${error.title}).`;
}

function fieldSentence(field: FieldProblem): string {
  const label = FIELD_LABELS[field.path] ?? FIELD_LABELS[rootOf(field.path)];
  const message = fieldMessage(field.message);
  return label ? `${label} : ${message}.` : `${capitalised(message)}.`;
}

function fieldMessage(message: string): string {
  for (const [pattern, french] of FIELD_MESSAGES) {
    const match = pattern.exec(message);
    if (match) return french(match);
  }
  return `refusé (${message})`;
}

function smsTooLong(error: ApiError): string {
  const parts = /^(\d+) parts: an SMS has at most (\d+)$/.exec(
    error.fields[0]?.message ?? '',
  );
  return parts
    ? `Le SMS est trop long : ${parts[1]} SMS, ${parts[2]} au plus.`
    : 'Le SMS est trop long.';
}

function insufficientCredit(error: ApiError): string {
  const { needed, shortfall } = error.details;
  return typeof needed === 'number' && typeof shortfall === 'number'
    ? `Crédit SMS insuffisant : il faut ${formatCount(needed)} crédit(s), il en manque ${formatCount(shortfall)}.`
    : 'Crédit SMS insuffisant.';
}

function rootOf(path: string): string {
  return path.split('.')[0] ?? path;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
