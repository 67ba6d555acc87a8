import { countSms, MERGE_FIELDS as DOMAIN_FIELDS } from '@optic/domain';
import {
  MERGE_FIELDS,
  MINI_SITE_FIELD,
} from '../../services/console/src/sms/merge-fields';
import { smsCounterText } from '../../services/console/src/sms/sms-counter-text';

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
