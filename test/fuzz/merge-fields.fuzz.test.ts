import fc from 'fast-check';
import {
  containsMergeField,
  findUnknownMergeFields,
  MERGE_FIELDS,
  renderMergeFields,
} from '@optic/domain';
import type { MergeFieldName, MergeValues } from '@optic/domain';
import { escapeHtml } from '@optic/providers';

const NAMES = MERGE_FIELDS.map((field) => field.name);

// 2026-12-04 23:30 UTC is already the 5th east of Greenwich.
const VISIT = new Date('2026-12-04T23:30:00Z');
const VISIT_DAY: Record<string, string> = {
  'Europe/Paris': '05/12/2026',
  'America/Guadeloupe': '04/12/2026',
  'Indian/Reunion': '05/12/2026',
  'Pacific/Noumea': '05/12/2026',
  'Pacific/Kiritimati': '05/12/2026',
  UTC: '04/12/2026',
};

const TIME_ZONES = Object.keys(VISIT_DAY);

const fieldName = fc.constantFrom(...NAMES);
const word = fc.stringMatching(/^[a-zA-Zéèàçœ]{1,12}$/);

/** Text around the fields: anything, with `%` and letters often. */
const looseText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('%', '20 %', '%%', '-30%,', 'Bonjour ', '\n', ' !'),
  word.map((w) => `%${w}`),
  fieldName.map((name) => `%${name}`),
);
const anyTemplate = fc
  .array(looseText, { maxLength: 12 })
  .map((pieces) => pieces.join(''));

// `$&` and its kin mean something to String.prototype.replace.
const value = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('$&', "$'", '$`', '$1', '$$', '$<name>', 'Mme $&'),
);
const values: fc.Arbitrary<MergeValues> = fc.record(
  {
    civilite: value,
    nom: value,
    prenom: value,
    magasin: value,
    stopsms: value,
    minisite: value,
    datevisite: fc.option(
      fc.date({
        min: new Date('1900-01-01T00:00:00Z'),
        max: new Date('2199-12-31T00:00:00Z'),
        noInvalidDate: true,
      }),
    ),
    timeZone: fc.constantFrom(...TIME_ZONES),
  },
  { requiredKeys: ['timeZone'] },
);

const options = fc.record({
  escape: fc.option(fc.constant(escapeHtml), { nil: undefined }),
  keepMissing: fc.boolean(),
});

describe('renderMergeFields, fuzzed', () => {
  it('never throws on any template, values and options', () => {
    fc.assert(
      fc.property(anyTemplate, values, options, (template, v, o) => {
        expect(typeof renderMergeFields(template, v, o)).toBe('string');
        expect(Array.isArray(findUnknownMergeFields(template))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('returns text without merge fields as it is', () => {
    const withoutFields = anyTemplate.filter((template) =>
      NAMES.every((name) => !containsMergeField(template, name)),
    );

    fc.assert(
      fc.property(withoutFields, values, options, (template, v, o) => {
        expect(renderMergeFields(template, v, o)).toBe(template);
      }),
      { numRuns: 1000 },
    );
  });

  it('shows every field as typed in a preview without a recipient', () => {
    fc.assert(
      fc.property(anyTemplate, fc.constantFrom(...TIME_ZONES), (t, zone) => {
        const preview = renderMergeFields(
          t,
          { timeZone: zone },
          { keepMissing: true },
        );

        expect(preview).toBe(t);
      }),
      { numRuns: 500 },
    );
  });

  // A template built from text and fields whose seams cannot make a token:
  // no text ends with `%`, none after a field starts with a letter.
  const seamText = fc
    .string({ unit: 'binary', maxLength: 20 })
    .map((text) => text.replace(/%/g, ' '))
    .map((text) => text.replace(/^\p{L}/u, ' '));
  const part = fc.tuple(fieldName, seamText);
  const percentFree = value.map((text) => text.replace(/%/g, ''));
  const valuesWithoutPercent: fc.Arbitrary<MergeValues> = fc.record({
    civilite: percentFree,
    nom: percentFree,
    prenom: percentFree,
    magasin: percentFree,
    stopsms: percentFree,
    minisite: percentFree,
    datevisite: fc.constant(VISIT),
    timeZone: fc.constantFrom(...TIME_ZONES),
  });

  it('puts each value, escaped when asked, in place of its field and nowhere else', () => {
    fc.assert(
      fc.property(
        seamText,
        fc.array(part, { maxLength: 6 }),
        valuesWithoutPercent,
        fc.boolean(),
        (head, parts, v, escaped) => {
          const template =
            head + parts.map(([name, text]) => `%${name}${text}`).join('');
          const escape = escaped ? escapeHtml : (s: string) => s;
          const expected =
            head +
            parts.map(([name, text]) => escape(shown(name, v)) + text).join('');

          const rendered = renderMergeFields(template, v, {
            escape: escaped ? escapeHtml : undefined,
          });

          expect(rendered).toBe(expected);
          expect(findUnknownMergeFields(rendered)).toEqual([]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('writes a visit date as dd/mm/yyyy in every time zone', () => {
    fc.assert(
      fc.property(values, (v) => {
        const rendered = renderMergeFields('%datevisite', v);

        expect(rendered).toMatch(v.datevisite ? /^\d{2}\/\d{2}\/\d{4}$/ : /^$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('findUnknownMergeFields, fuzzed', () => {
  it('lists each unknown token once, as written, and never a merge field', () => {
    fc.assert(
      fc.property(anyTemplate, (template) => {
        const unknown = findUnknownMergeFields(template);

        expect(new Set(unknown).size).toBe(unknown.length);
        for (const token of unknown) {
          expect(token).toMatch(/^%\p{L}+$/u);
          expect(template).toContain(token);
          expect(NAMES).not.toContain(token.slice(1));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('finds a mistyped field wherever it is put', () => {
    fc.assert(
      fc.property(anyTemplate, word, anyTemplate, (before, typo, after) => {
        fc.pre(!(NAMES as string[]).includes(typo));
        const template = `${before} %${typo} ${after}`;

        expect(findUnknownMergeFields(template)).toContain(`%${typo}`);
      }),
      { numRuns: 500 },
    );
  });
});

function shown(name: MergeFieldName, v: MergeValues): string {
  return name === 'datevisite' ? VISIT_DAY[v.timeZone]! : (v[name] ?? '');
}
