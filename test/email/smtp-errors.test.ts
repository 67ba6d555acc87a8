import { translateSmtpError } from '@optic/providers';

describe('translating SMTP replies for e-mails', () => {
  it.each([
    [
      '550 5.1.1 at RCPT (no such mailbox)',
      550,
      '550 5.1.1 <x@y.test>: user unknown',
      'INVALID_RECIPIENT',
    ],
    [
      '553 5.1.3 at RCPT (bad address syntax)',
      553,
      '553 5.1.3 bad address',
      'INVALID_RECIPIENT',
    ],
    [
      '550 5.2.1 at RCPT (mailbox disabled)',
      550,
      '550 5.2.1 mailbox disabled',
      'INVALID_RECIPIENT',
    ],
    [
      '550 5.7.1 at RCPT (relay denied: a policy, not the address)',
      550,
      '550 5.7.1 relaying denied',
      'PROVIDER_REJECTED',
    ],
    [
      '552 5.2.2 at RCPT (mailbox full)',
      552,
      '552 5.2.2 mailbox full',
      'PROVIDER_REJECTED',
    ],
    [
      '554 at RCPT without enhanced code',
      554,
      '554 transaction failed',
      'PROVIDER_REJECTED',
    ],
  ])('maps %s to %s', (_what, responseCode, response, code) => {
    const translated = translateSmtpError(
      Object.assign(new Error('rcpt'), {
        code: 'EENVELOPE',
        command: 'RCPT TO',
        responseCode,
        response,
      }),
    );

    expect(translated.code).toBe(code);
    expect(translated.retryable).toBe(false);
  });

  it.each([
    [
      '454 at AUTH (temporary)',
      { code: 'EAUTH', responseCode: 454 },
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    ['535 at AUTH', { code: 'EAUTH', responseCode: 535 }, 'AUTH_FAILED', false],
    ['a missing STARTTLS', { code: 'ETLS' }, 'PROVIDER_REJECTED', false],
    [
      'a refused connection',
      { code: 'ESOCKET', message: 'connect ECONNREFUSED 127.0.0.1:1' },
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    ['a greeting that never comes', { code: 'ETIMEDOUT' }, 'TIMEOUT', true],
  ])('maps %s to %s (retryable: %s)', (_what, raw, code, retryable) => {
    expect(
      translateSmtpError(Object.assign(new Error('x'), raw)),
    ).toMatchObject({
      code,
      retryable,
    });
  });

  it('blanks the password out of a reply that echoes it', () => {
    const plain = Buffer.from('\u0000shop\u0000s3cret-P4ss').toString('base64');
    const translated = translateSmtpError(
      Object.assign(new Error('x'), {
        code: 'EAUTH',
        responseCode: 535,
        response: `535 bad credentials: ${plain} s3cret-P4ss`,
      }),
      ['s3cret-P4ss', plain],
    );

    expect(translated.message).toBe(
      '535 bad credentials: [redacted] [redacted]',
    );
  });
});
