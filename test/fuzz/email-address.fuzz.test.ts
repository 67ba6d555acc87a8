import fc from 'fast-check';
import { maskEmail, normalizeEmail } from '@optic/domain';
import { emailSubject } from '../../services/api/src/routes/email-checks';
import { checkEmail } from '../../services/api/src/routes/client-contact';

// Characters that would end a header line or split one address into two
// once written into `To:`, `Cc:` or `Reply-To:`.
const HEADER_BREAKERS = /[\p{Cc}\p{Z}\s<>,;:"()[\]\\]/u;

const ATEXT = Array.from(
  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-éçøß",
);
const atom = fc
  .array(fc.constantFrom(...ATEXT), { minLength: 1, maxLength: 10 })
  .map((chars) => chars.join(''));
const label = fc.stringMatching(
  /^[a-zA-Z0-9éü](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/,
);

/** Addresses the rules accept, in the case and spacing staff type. */
const wellFormed = fc
  .tuple(
    fc.array(atom, { minLength: 1, maxLength: 3 }),
    fc.array(label, { minLength: 1, maxLength: 3 }),
    fc.stringMatching(/^[a-zA-Z]{2,6}$/),
    fc.constantFrom('', ' ', '\t', '\r\n', ' \n'),
  )
  .map(
    ([locals, labels, top, blank]) =>
      `${blank}${locals.join('.')}@${[...labels, top].join('.')}${blank}`,
  );

/** What an attacker puts around an address to add a header or a recipient. */
const injected = fc
  .tuple(
    wellFormed,
    fc.constantFrom(
      '\r\nBcc: victim@example.org',
      '\nBcc: victim@example.org',
      '\rX-Injected: 1',
      '%0d%0aBcc:victim@example.org',
      ', victim@example.org',
      '>, <victim@example.org',
      '\u2028Bcc: victim@example.org',
      '\u0085Bcc: victim@example.org',
    ),
    fc.nat(40),
  )
  .map(([address, payload, at]) => {
    const cut = Math.min(at, address.trim().length - 1);
    const trimmed = address.trim();
    return trimmed.slice(0, cut) + payload + trimmed.slice(cut);
  });

const anyInput = fc.oneof(
  wellFormed,
  injected,
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ maxLength: 300 }),
);

describe('normalizeEmail, fuzzed', () => {
  it('never throws, and never accepts what would break a header', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = normalizeEmail(input);
        if (!result.ok) return;

        expect(result.address).not.toMatch(HEADER_BREAKERS);
        expect(result.address.split('@')).toHaveLength(2);
        expect(Buffer.byteLength(result.address)).toBeLessThanOrEqual(254);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses an address with a header or a recipient injected inside', () => {
    fc.assert(
      fc.property(injected, (input) => {
        expect(normalizeEmail(input).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts well-formed addresses and reads its own answer back', () => {
    fc.assert(
      fc.property(wellFormed, (input) => {
        const result = normalizeEmail(input);
        expect(result.ok).toBe(true);
        const { address } = result as { address: string };

        expect(address).toBe(address.trim());
        expect(normalizeEmail(address)).toEqual(result);
        const [local, domain] = address.split('@');
        expect(normalizeEmail(`${local}@${domain!.toUpperCase()}`)).toEqual(
          result,
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('masks every accepted address down to its first character and domain', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = normalizeEmail(input);
        fc.pre(result.ok);
        const { address } = result as { address: string };
        const domain = address.slice(address.lastIndexOf('@'));

        expect(maskEmail(address)).toBe(
          `${Array.from(address)[0]}***${domain}`,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('the API’s e-mail checks, fuzzed', () => {
  it('keeps what the client record stores equal to normalizeEmail', () => {
    fc.assert(
      fc.property(anyInput, (input) => {
        const checked = checkEmail(input);
        const normalized = normalizeEmail(input);

        expect(checked.ok).toBe(normalized.ok);
        if (checked.ok && normalized.ok) {
          expect(checked.value).toBe(normalized.address);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts a subject only as one line of at most 255 characters', () => {
    const subject = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc
        .tuple(
          fc.string({ maxLength: 40 }),
          fc.constantFrom('\r', '\n', '\r\n'),
        )
        .map(([text, breaker]) => `${text}${breaker}Bcc: x@example.org`),
    );

    fc.assert(
      fc.property(subject, (input) => {
        const result = emailSubject.safeParse(input);
        if (!result.success) {
          expect(result.error.issues.length).toBeGreaterThan(0);
          return;
        }

        expect(result.data).not.toMatch(/[\r\n]/);
        expect(result.data).toBe(input.trim());
        expect(result.data.length).toBeGreaterThan(0);
        expect(result.data.length).toBeLessThanOrEqual(255);
      }),
      { numRuns: 1500 },
    );
  });
});
