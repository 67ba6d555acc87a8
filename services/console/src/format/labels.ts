/** French words for the API's codes, as the shop's staff say them. */

export const MESSAGE_STATUS: Record<string, string> = {
  queued: 'En attente',
  sending: "En cours d'envoi",
  sent: 'Envoyé',
  delivered: 'Reçu',
  failed: 'Échec',
  rejected: 'Refusé',
  cancelled: 'Annulé',
  expired: 'Expiré',
  unknown: 'À vérifier',
};

/** Why a message did not go (the history's `reason`). */
export const MESSAGE_REASON: Record<string, string> = {
  client_missing: 'client supprimé',
  no_consent: 'pas de consentement',
  no_recipient: 'pas de destinataire',
  invalid_recipient: 'destinataire invalide',
  suppressed: 'numéro ou adresse bloqué',
  empty_text: 'message vide',
  too_long: 'message trop long',
  insufficient_credit: 'crédit SMS insuffisant',
  document_missing: 'pièce jointe introuvable',
  cancelled_by_staff: 'annulé par le magasin',
  campaign_cancelled: 'campagne annulée',
  hard_bounce: 'adresse invalide',
  undelivered: 'non distribué',
  outcome_lost: 'résultat inconnu',
};

export const CONSENT_SOURCE: Record<string, string> = {
  in_shop: 'en magasin',
  signed_form: 'formulaire signé',
  web_form: 'formulaire web',
  reply_stop: 'réponse STOP',
  unsubscribe_link: 'lien de désinscription',
  import: 'import',
};

/**
 * Who recorded a consent: a salesperson by name, or the platform itself
 * (a STOP reply, the unsubscribe link, an import without a name).
 */
export const CONSENT_ACTOR: Record<string, string> = {
  system: 'le système',
};

export const VISIT_KIND: Record<string, string> = {
  glasses: 'Optique',
  contact_lenses: 'Lentilles',
  repair: 'Réparation',
};

export const CAMPAIGN_STATUS: Record<string, string> = {
  draft: 'Brouillon',
  scheduled: 'Programmée',
  running: 'En cours',
  paused: 'En pause',
  completed: 'Terminée',
  cancelled: 'Annulée',
};

export const LEDGER_KIND: Record<string, string> = {
  purchase: 'Achat',
  debit: 'Envoi',
  refund: 'Remboursement',
  reservation: 'Réservation (campagne)',
  release: 'Libération (campagne)',
};

export const EXCLUSION_REASON: Record<string, string> = {
  no_consent: 'sans consentement',
  no_recipient: 'sans numéro ou adresse',
  suppressed: 'bloqués (STOP, désinscription)',
};

export function labelOf(labels: Record<string, string>, code: string): string {
  return labels[code] ?? code;
}
