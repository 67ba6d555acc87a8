import { translateSmtpError } from '@optic/providers';

describe('translating SMTP failures', () => {
  const table: [string, Record<string, unknown>, string, boolean][] = [
    [
      '421 at greeting',
      { code: 'EPROTOCOL', responseCode: 421, response: '421 busy' },
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    [
      '451 at DATA',
      { code: 'EMESSAGE', responseCode: 451, response: '451 try later' },
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    [
      '452 at RCPT',
      { code: 'EENVELOPE', responseCode: 452, command: 'RCPT TO' },
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    [
      '550 at RCPT',
      {
        code: 'EENVELOPE',
        responseCode: 550,
        response: '550 no such user',
        command: 'RCPT TO',
      },
      'INVALID_RECIPIENT',
      false,
    ],
    [
      '554 at DATA',
      { code: 'EMESSAGE', responseCode: 554, response: '554 rejected' },
      'PROVIDER_REJECTED',
      false,
    ],
    ['535 auth', { code: 'EAUTH', responseCode: 535 }, 'AUTH_FAILED', false],
    [
      'connection refused',
      { code: 'ECONNECTION' },
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    ['socket timeout', { code: 'ETIMEDOUT' }, 'TIMEOUT', true],
    ['socket error', { code: 'ESOCKET' }, 'PROVIDER_UNAVAILABLE', true],
    ['unknown', {}, 'PROVIDER_UNAVAILABLE', true],
  ];

  it.each(table)(
    'maps %s to %s (retryable: %s)',
    (_name, raw, code, retryable) => {
      const translated = translateSmtpError(
        Object.assign(new Error('smtp'), raw),
      );

      expect(translated).toMatchObject({
        code,
        retryable,
        channel: 'email',
        provider: 'smtp',
      });
    },
  );

  it('keeps the server reply and its code for the history', () => {
    const translated = translateSmtpError(
      Object.assign(new Error('x'), {
        responseCode: 550,
        response: '550 5.1.1 unknown user',
        code: 'EENVELOPE',
      }),
    );

    expect(translated.message).toBe('550 5.1.1 unknown user');
    expect(translated.providerCode).toBe('550');
  });
});
