import type { SmtpCheck } from '../api/api-types';

/** The server tested, as typed in the form. */
export interface TestedServer {
  host: string;
  port: number;
}

/**
 * "Tester la connexion" in the manager's words: what failed and what to
 * check. The server's own reply (English, technical) is shown apart.
 */
export function smtpCheckText(check: SmtpCheck, server: TestedServer): string {
  if (check.ok) return 'Connexion réussie.';
  const where = `${server.host}, port ${server.port}`;
  if (check.errorCode === 'AUTH_FAILED')
    return `Le serveur ${where} refuse l'utilisateur ou le mot de passe.`;
  if (check.errorCode === 'TIMEOUT')
    return `Le serveur ${where} ne répond pas à temps : vérifiez l'adresse et le port.`;
  // No reply code: the network or TLS failed before the server spoke.
  if (!check.smtpCode && check.errorCode === 'PROVIDER_UNAVAILABLE')
    return `Impossible de joindre le serveur ${where} : vérifiez l'adresse, le port et que le serveur est en marche.`;
  if (!check.smtpCode)
    return `La connexion sécurisée avec ${where} a échoué : essayez un autre mode de sécurité.`;
  return `Le serveur ${where} a refusé la connexion (étape ${check.stage}, code ${check.smtpCode}).`;
}
