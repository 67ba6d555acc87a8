import fc from 'fast-check';
import { readUnsubscribeToken, unsubscribeToken } from '@optic/providers';

const SECRET = 'fuzz-unsubscribe-secret-0123456789';
const BASE64URL =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const tokenShaped = fc
  .array(fc.constantFrom(...BASE64URL), { minLength: 43, maxLength: 43 })
  .map((chars) => chars.join(''));

describe('unsubscribe tokens, fuzzed', () => {
  it('reads nothing from a string it did not make, and never throws', () => {
    fc.assert(
      fc.property(
        fc.oneof(tokenShaped, fc.string({ unit: 'binary', maxLength: 60 })),
        (token) => {
          expect(readUnsubscribeToken(token, SECRET)).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('reads back the message of its own tokens, under its own secret only', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 16 }), (id, other) => {
        fc.pre(other !== SECRET);
        const token = unsubscribeToken(id, SECRET);

        expect(readUnsubscribeToken(token, SECRET)).toBe(id.toLowerCase());
        expect(readUnsubscribeToken(token, other)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a token with any one character changed', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.nat(42),
        fc.constantFrom(...BASE64URL),
        (id, at, replacement) => {
          const token = unsubscribeToken(id, SECRET);
          fc.pre(token[at] !== replacement);
          const forged = token.slice(0, at) + replacement + token.slice(at + 1);

          expect(readUnsubscribeToken(forged, SECRET)).toBeNull();
        },
      ),
      { numRuns: 1000 },
    );
  });
});
