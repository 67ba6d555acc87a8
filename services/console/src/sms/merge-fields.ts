/**
 * The manual's merge fields in the order of its menu. The same list as the
 * domain's MERGE_FIELDS (packages/domain), which the API checks templates
 * against; a test keeps the two equal. The domain package is not bundled
 * here: its entry point also brings server-only code.
 */
export const MERGE_FIELDS = [
  { token: '%civilite', label: 'Civilité du client' },
  { token: '%nom', label: 'Nom du client' },
  { token: '%prenom', label: 'Prénom du client' },
  { token: '%datevisite', label: 'Date de visite' },
  { token: '%magasin', label: 'Raison sociale du magasin' },
  { token: '%stopsms', label: 'Gestion du stop Sms' },
] as const;

/** The "Mini-site" menu: a link to the shop's mini-site. */
export const MINI_SITE_FIELD = { token: '%minisite', label: 'Mini-site' };
