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
import { ApiError } from '../../services/console/src/api/api-error';
import {
  fieldText,
  problemSentences,
} from '../../services/console/src/format/problem-text';
import {
  formatCount,
  formatSigned,
} from '../../services/console/src/format/numbers';

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

describe("the console's French for the API's refusals", () => {
  const refusal = (
    status: number,
    code: string,
    fields: { path: string; message: string }[] = [],
    details: Record<string, unknown> = {},
  ) => new ApiError(status, code, 'an English title', fields, details);

  it.each([
    [
      refusal(400, 'validation_failed', [
        { path: 'q', message: 'no letter or digit to search for' },
      ]),
      ['Nom ou téléphone : tapez au moins une lettre ou un chiffre.'],
    ],
    [
      refusal(422, 'unknown_merge_field', [
        { path: 'text', message: 'unknown merge field %inconnu' },
        { path: 'text', message: 'unknown merge field %autre' },
      ]),
      [
        "Contenu du message : le champ de fusion %inconnu n'existe pas.",
        "Contenu du message : le champ de fusion %autre n'existe pas.",
      ],
    ],
    [
      refusal(400, 'validation_failed', [
        {
          path: 'smsSignature',
          message: 'Too big: expected string to have <=50 characters',
        },
        { path: 'sendingWindow.start', message: 'Invalid input' },
      ]),
      [
        'Signature des SMS : 50 caractères au plus.',
        "Plage d'envoi des SMS commerciaux : la valeur n'est pas valide.",
      ],
    ],
    [
      refusal(422, 'sms_too_long', [
        { path: 'text', message: '12 parts: an SMS has at most 10' },
      ]),
      ['Le SMS est trop long : 12 SMS, 10 au plus.'],
    ],
    [
      refusal(
        422,
        'insufficient_credit',
        [{ path: 'credits', message: '1200 credit(s) missing' }],
        { needed: 4500, shortfall: 1200 },
      ),
      [
        'Crédit SMS insuffisant : il faut 4\u202f500 crédit(s), il en manque 1\u202f200.',
      ],
    ],
    [refusal(0, 'network'), ['Le serveur ne répond pas : réessayez.']],
    [
      refusal(409, 'some_new_code'),
      ['La demande a été refusée (an English title).'],
    ],
  ])('says each problem once, in French (%#)', (error, sentences) => {
    expect(problemSentences(error)).toEqual(sentences);
  });

  it('leaves out the fields whose input shows the refusal beside it', () => {
    const error = refusal(400, 'validation_failed', [
      {
        path: 'smsSender',
        message: 'Too small: expected string to have >=3 characters',
      },
      { path: 'miniSiteUrl', message: 'Invalid URL' },
    ]);

    expect(problemSentences(error, ['smsSender'])).toEqual([
      "Adresse du mini-site : la valeur n'est pas valide.",
    ]);
    expect(fieldText(error, 'smsSender')).toBe('3 caractères au moins');
  });

  it('groups thousands as French does, signs included', () => {
    expect([
      formatCount(3_999_996),
      formatSigned(250),
      formatSigned(-1200),
    ]).toEqual(['3\u202f999\u202f996', '+250', '-1\u202f200']);
  });
});
