import {
  containsMergeField,
  findUnknownMergeFields,
  MERGE_FIELDS,
  renderMergeFields,
} from '@optic/domain';
import type { MergeValues } from '@optic/domain';

const CLIENT: MergeValues = {
  civilite: 'Mme',
  nom: 'Dupont',
  prenom: 'Léa',
  datevisite: new Date('2026-03-10T09:00:00Z'),
  magasin: 'Optique Martin',
  stopsms: 'STOP au 36111',
  minisite: 'https://optique-martin.example.fr',
  timeZone: 'Europe/Paris',
};

const escapeHtml = (value: string) =>
  value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

describe('MERGE_FIELDS', () => {
  it('lists the manual fields with their French labels', () => {
    expect(MERGE_FIELDS.map(({ token, label }) => [token, label])).toEqual([
      ['%civilite', 'Civilité du client'],
      ['%nom', 'Nom du client'],
      ['%prenom', 'Prénom du client'],
      ['%datevisite', 'Date de visite'],
      ['%magasin', 'Raison sociale du magasin'],
      ['%stopsms', 'Gestion du stop Sms'],
      ['%minisite', 'Mini-site'],
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(MERGE_FIELDS)).toBe(true);
    expect(MERGE_FIELDS.every((field) => Object.isFrozen(field))).toBe(true);
  });
});

describe('findUnknownMergeFields', () => {
  it.each([
    ['Bonjour %civilite %prenom %nom', []],
    ['%magasin le %datevisite %stopsms %minisite', []],
    ['-20 % sur les montures', []],
    ['-20% sur les montures', []],
    ['Remise de 20%', []],
    ['20%, 30%.', []],
    ['100%20', []],
    ['Bonjour %prenon', ['%prenon']],
    ['Bonjour %Prenom', ['%Prenom']],
    ['Bonjour %prénom', ['%prénom']],
    ['%prenoms et %prenom', ['%prenoms']],
    ['-20%de remise', ['%de']],
    ['%date %date %ville', ['%date', '%ville']],
  ])('finds in %j: %j', (text, unknown) => {
    expect(findUnknownMergeFields(text)).toEqual(unknown);
  });
});

describe('containsMergeField', () => {
  it.each([
    ['Infos %stopsms', true],
    ['%stopsms.', true],
    ['Infos %stopsmsX', false],
    ['Infos stopsms', false],
  ])('tells whether %j uses %%stopsms: %s', (text, expected) => {
    expect(containsMergeField(text, 'stopsms')).toBe(expected);
  });
});

describe('renderMergeFields', () => {
  it('substitutes every field', () => {
    const text =
      '%civilite %prenom %nom, %magasin vous attend depuis le ' +
      '%datevisite. %minisite %stopsms';

    expect(renderMergeFields(text, CLIENT)).toBe(
      'Mme Léa Dupont, Optique Martin vous attend depuis le 10/03/2026. ' +
        'https://optique-martin.example.fr STOP au 36111',
    );
  });

  it('renders a missing value as an empty string', () => {
    const values: MergeValues = { timeZone: 'Europe/Paris', datevisite: null };

    expect(renderMergeFields('[%prenom][%datevisite][%nom]', values)).toBe(
      '[][][]',
    );
  });

  it('leaves unknown fields and lone percent signs as typed', () => {
    expect(renderMergeFields('%prenon, -20 % ou 20%', CLIENT)).toBe(
      '%prenon, -20 % ou 20%',
    );
  });

  it('substitutes a field followed by punctuation or digits', () => {
    expect(renderMergeFields('%prenom,%nom2', CLIENT)).toBe('Léa,Dupont2');
  });

  describe('with an escape function', () => {
    const values: MergeValues = {
      nom: '<b>O"Brien & fils</b>',
      timeZone: 'Europe/Paris',
    };

    it('escapes substituted values but not the template', () => {
      const html = renderMergeFields('<p>%nom</p>', values, {
        escape: escapeHtml,
      });

      expect(html).toBe('<p>&lt;b&gt;O&quot;Brien &amp; fils&lt;/b&gt;</p>');
    });

    it('passes the rendered date and empty values through it', () => {
      const seen: string[] = [];
      const escape = (value: string) => {
        seen.push(value);
        return value;
      };

      renderMergeFields('%datevisite %prenom', CLIENT, { escape });
      renderMergeFields('%prenom', { timeZone: 'Europe/Paris' }, { escape });

      expect(seen).toEqual(['10/03/2026', 'Léa', '']);
    });
  });

  describe('dates', () => {
    // 23:30 UTC on 14 March: already the 15th in Paris (UTC+1), still the
    // 14th in Guadeloupe (UTC-4).
    const lateEvening = new Date('2026-03-14T23:30:00Z');
    // 02:30 UTC on 15 March: the 15th in Paris, still the 14th in
    // Guadeloupe.
    const smallHours = new Date('2026-03-15T02:30:00Z');

    it.each([
      [lateEvening, 'Europe/Paris', '15/03/2026'],
      [lateEvening, 'America/Guadeloupe', '14/03/2026'],
      [lateEvening, 'UTC', '14/03/2026'],
      [smallHours, 'Europe/Paris', '15/03/2026'],
      [smallHours, 'America/Guadeloupe', '14/03/2026'],
      [smallHours, 'UTC', '15/03/2026'],
      [new Date('2026-07-14T22:30:00Z'), 'Europe/Paris', '15/07/2026'],
      [new Date('2026-07-14T21:30:00Z'), 'Europe/Paris', '14/07/2026'],
      [new Date('2026-12-31T20:30:00Z'), 'Indian/Reunion', '01/01/2027'],
    ])('renders %o in %s as %s', (date, timeZone, expected) => {
      expect(
        renderMergeFields('%datevisite', { datevisite: date, timeZone }),
      ).toBe(expected);
    });

    it('refuses an unknown time zone', () => {
      const values: MergeValues = { ...CLIENT, timeZone: 'Europe/Atlantis' };

      expect(() => renderMergeFields('%datevisite', values)).toThrow(
        RangeError,
      );
    });
  });
});
