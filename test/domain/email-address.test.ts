import { maskEmail, normalizeEmail } from '@optic/domain';

describe('normalizeEmail', () => {
  it.each([
    ['claire@example.org', 'claire@example.org'],
    ['  claire@example.org\n', 'claire@example.org'],
    ['Claire.Dupont@Example.ORG', 'Claire.Dupont@example.org'],
    ['c.dupont+lunettes@mail.example.fr', 'c.dupont+lunettes@mail.example.fr'],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ['léa@exemple.fr', 'léa@exemple.fr'],
    ['x@optique-martin.fr', 'x@optique-martin.fr'],
    [`${'a'.repeat(64)}@example.org`, `${'a'.repeat(64)}@example.org`],
  ])('accepts %j as %j', (input, address) => {
    expect(normalizeEmail(input)).toEqual({ ok: true, address });
  });

  it.each(['', '   ', '\t\n'])('refuses %j as empty', (input) => {
    expect(normalizeEmail(input)).toEqual({ ok: false, reason: 'empty' });
  });

  const maxDomain = `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(63)}`;

  it.each([
    ['no @', 'claire.example.org'],
    ['nothing before @', '@example.org'],
    ['nothing after @', 'claire@'],
    ['two @', 'claire@dupont@example.org'],
    ['a space inside', 'claire dupont@example.org'],
    ['a space in the domain', 'claire@exam ple.org'],
    ['a domain without a dot', 'claire@localhost'],
    ['consecutive dots in the local part', 'claire..dupont@example.org'],
    ['consecutive dots in the domain', 'claire@example..org'],
    ['a leading dot', '.claire@example.org'],
    ['a trailing dot in the local part', 'claire.@example.org'],
    ['a trailing dot in the domain', 'claire@example.org.'],
    ['a label starting with a dash', 'claire@-example.org'],
    ['a numeric top-level domain', 'claire@192.168.1.1'],
    ['an IP literal', 'claire@[192.168.1.1]'],
    ['a comma', 'claire,dupont@example.org'],
    ['a 65-character local part', `${'a'.repeat(65)}@example.org`],
    ['a 64-character label', `claire@${'d'.repeat(64)}.org`],
    ['255 characters in all', `${'a'.repeat(63)}@${maxDomain}`],
  ])('refuses %s', (_, input) => {
    expect(normalizeEmail(input)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts exactly 254 characters', () => {
    const input = `${'a'.repeat(62)}@${maxDomain}`;

    expect(input).toHaveLength(254);
    expect(normalizeEmail(input)).toEqual({ ok: true, address: input });
  });

  it('counts the local part limit in octets', () => {
    expect(normalizeEmail(`${'é'.repeat(33)}@example.org`)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });
});

describe('maskEmail', () => {
  it.each([
    ['claire@example.org', 'c***@example.org'],
    ['c@example.org', 'c***@example.org'],
    ['élodie@exemple.fr', 'é***@exemple.fr'],
    ['not-an-address', '***'],
  ])('masks %s as %s', (address, masked) => {
    expect(maskEmail(address)).toBe(masked);
  });
});
