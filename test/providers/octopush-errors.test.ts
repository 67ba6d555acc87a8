import { AxiosError, AxiosHeaders } from 'axios';
import type { AxiosResponse } from 'axios';
import { DeliveryError } from '@optic/domain';
import {
  OCTOPUSH_DUPLICATE_REQUEST,
  retryAfterMs,
  translateOctopushError,
} from '@optic/providers';

function httpError(
  status: number,
  data: unknown,
  headers: Record<string, string> = {},
): AxiosError {
  const response = {
    status,
    data,
    headers,
    statusText: '',
    config: { headers: new AxiosHeaders() },
  } as AxiosResponse;
  return new AxiosError(
    'request failed',
    'ERR_BAD_RESPONSE',
    undefined,
    undefined,
    response,
  );
}

function transportError(code: string): AxiosError {
  return new AxiosError('transport', code);
}

describe('translating Octopush answers', () => {
  const table: [string, unknown, string, boolean][] = [
    ['500 without body', httpError(500, ''), 'PROVIDER_UNAVAILABLE', true],
    [
      '502',
      httpError(502, { code: 500, message: 'bad gateway' }),
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    ['503', httpError(503, {}), 'PROVIDER_UNAVAILABLE', true],
    [
      '429',
      httpError(
        429,
        { code: 429, message: 'Too many requests' },
        { 'retry-after': '3' },
      ),
      'RATE_LIMITED',
      true,
    ],
    [
      '101 bad login',
      httpError(401, { code: 101, message: 'Incorrect login details.' }),
      'AUTH_FAILED',
      false,
    ],
    [
      '103 no recipients',
      httpError(400, { code: 103 }),
      'INVALID_RECIPIENT',
      false,
    ],
    [
      '117 no correct numbers',
      httpError(400, { code: 117 }),
      'INVALID_RECIPIENT',
      false,
    ],
    [
      '104 out of credit',
      httpError(400, { code: 104 }),
      'PROVIDER_REJECTED',
      false,
    ],
    [
      '106 bad sender',
      httpError(400, { code: 106 }),
      'PROVIDER_REJECTED',
      false,
    ],
    ['107 no text', httpError(400, { code: 107 }), 'TEMPLATE_FAILED', false],
    [
      '121 STOP mention missing',
      httpError(400, { code: 121 }),
      'TEMPLATE_FAILED',
      false,
    ],
    [
      'unknown 4xx code',
      httpError(400, { code: 999 }),
      'PROVIDER_REJECTED',
      false,
    ],
    [
      '4xx without body',
      httpError(404, 'not found'),
      'PROVIDER_REJECTED',
      false,
    ],
    ['timeout', transportError('ECONNABORTED'), 'TIMEOUT', true],
    ['etimedout', transportError('ETIMEDOUT'), 'TIMEOUT', true],
    [
      'connection refused',
      transportError('ECONNREFUSED'),
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    [
      'connection reset',
      transportError('ECONNRESET'),
      'PROVIDER_UNAVAILABLE',
      true,
    ],
    ['not an axios error', new Error('boom'), 'PROVIDER_UNAVAILABLE', true],
  ];

  it.each(table)(
    'maps %s to %s (retryable: %s)',
    (_name, raw, code, retryable) => {
      const translated = translateOctopushError(raw);

      expect(translated).toBeInstanceOf(DeliveryError);
      expect(translated).toMatchObject({
        code,
        retryable,
        channel: 'sms',
        provider: 'octopush',
      });
    },
  );

  it('keeps the documented code for the history', () => {
    const translated = translateOctopushError(
      httpError(400, { code: 117, message: 'no correct numbers' }),
    );

    expect(translated).toMatchObject({
      providerCode: '117',
      message: 'no correct numbers',
    });
  });

  it('reads code 120 (request_id already used) as an earlier success, not a failure', () => {
    expect(translateOctopushError(httpError(400, { code: 120 }))).toBe(
      OCTOPUSH_DUPLICATE_REQUEST,
    );
  });

  it('honours Retry-After in seconds on a 429', () => {
    const translated = translateOctopushError(
      httpError(429, {}, { 'retry-after': '7' }),
    ) as DeliveryError;

    expect(translated.retryAfterMs).toBe(7000);
  });

  it.each([
    ['2', 2000],
    ['0', 0],
    ['', 1000],
    ['soon', 1000],
  ])('reads Retry-After %j as %d ms', (header, ms) => {
    expect(retryAfterMs(header)).toBe(ms);
  });

  it('reads an HTTP-date Retry-After as the time left until then', () => {
    const inFive = new Date(Date.now() + 5000).toUTCString();

    expect(retryAfterMs(inFive)).toBeGreaterThan(3000);
    expect(retryAfterMs(inFive)).toBeLessThanOrEqual(5000);
  });
});
