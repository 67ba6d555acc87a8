import { countSms, MERGE_FIELDS as DOMAIN_FIELDS } from '@optic/domain';
import {
  MERGE_FIELDS,
  MINI_SITE_FIELD,
} from '../../services/console/src/sms/merge-fields';
import { smsCounterText } from '../../services/console/src/sms/sms-counter-text';
import {
  FRENCH_WINDOW,
  windowSummary,
} from '../../services/console/src/settings/sending-window';
import { smtpCheckText } from '../../services/console/src/settings/smtp-check-text';

describe("the console's SMS words", () => {
  it('offers the merge fields the API accepts, with the same labels, in the same order', () => {
    const offered = [...MERGE_FIELDS, MINI_SITE_FIELD];

    expect(offered).toEqual(
      DOMAIN_FIELDS.map(({ token, label }) => ({ token, label })),
    );
  });

  it.each([
    ['a'.repeat(160), '160 caractère(s) / 160 : 1 sms sera envoyé'],
    ['a'.repeat(161), '161 caractère(s) / 306 : 2 sms seront envoyés'],
    ['€'.repeat(80), '160 caractère(s) / 160 : 1 sms sera envoyé'],
    ['ê'.repeat(70), '70 caractère(s) / 70 : 1 sms sera envoyé'],
    ['ê'.repeat(71), '71 caractère(s) / 134 : 2 sms seront envoyés'],
    ['ê'.repeat(202), '202 caractère(s) / 268 : 4 sms seront envoyés'],
  ])(
    "writes the manual's counter line for the figures the API counts (%#)",
    (text, line) => {
      expect(smsCounterText(countSms(text))).toBe(line);
    },
  );
});

describe("the console's words for Paramétrage", () => {
  const server = { host: 'smtp.optique.test', port: 587 };

  it.each([
    [{ ok: true }, 'Connexion réussie.'],
    [
      { ok: false, stage: 'CONN', errorCode: 'PROVIDER_UNAVAILABLE' },
      "Impossible de joindre le serveur smtp.optique.test, port 587 : vérifiez l'adresse, le port et que le serveur est en marche.",
    ],
    [
      { ok: false, stage: 'CONN', errorCode: 'TIMEOUT' },
      "Le serveur smtp.optique.test, port 587 ne répond pas à temps : vérifiez l'adresse et le port.",
    ],
    [
      { ok: false, stage: 'STARTTLS', errorCode: 'PROVIDER_REJECTED' },
      'La connexion sécurisée avec smtp.optique.test, port 587 a échoué : essayez un autre mode de sécurité.',
    ],
    [
      {
        ok: false,
        stage: 'AUTH PLAIN',
        errorCode: 'AUTH_FAILED',
        smtpCode: 535,
      },
      "Le serveur smtp.optique.test, port 587 refuse l'utilisateur ou le mot de passe.",
    ],
    [
      {
        ok: false,
        stage: 'CONN',
        errorCode: 'PROVIDER_REJECTED',
        smtpCode: 554,
      },
      'Le serveur smtp.optique.test, port 587 a refusé la connexion (étape CONN, code 554).',
    ],
  ])('says what the SMTP test found and what to check (%#)', (check, text) => {
    expect(smtpCheckText(check, server)).toBe(text);
  });

  it('says when commercial SMS leave, from the shop window or the French one', () => {
    expect(windowSummary(FRENCH_WINDOW)).toBe(
      'Envoi des SMS commerciaux : Lun, Mar, Mer, Jeu, Ven, Sam de 08:00 à 20:00, hors jours fériés ; en dehors, ils attendent la plage suivante.',
    );
    expect(
      windowSummary({
        days: [2, 7],
        start: '09:30',
        end: '12:00',
        excludeHolidays: false,
      }),
    ).toBe(
      'Envoi des SMS commerciaux : Mar, Dim de 09:30 à 12:00 ; en dehors, ils attendent la plage suivante.',
    );
  });
});
