import { AxiosError } from 'axios';
import { DeliveryError } from '@optic/domain';
import type { DeliveryErrorCode } from '@optic/domain';

/** Returned instead of an error when Octopush says it has the request_id. */
export const OCTOPUSH_DUPLICATE_REQUEST = Symbol('octopush-duplicate-request');

const PROVIDER = 'octopush';

/**
 * Octopush's documented return codes and what each means for the message.
 * 120 (request_id already used) is not a failure: the first call got through.
 */
export const OCTOPUSH_CODE_MAP: Record<number, DeliveryErrorCode> = {
  101: 'AUTH_FAILED',
  108: 'AUTH_FAILED',
  109: 'AUTH_FAILED',
  113: 'AUTH_FAILED',
  114: 'AUTH_FAILED',
  103: 'INVALID_RECIPIENT',
  110: 'INVALID_RECIPIENT',
  117: 'INVALID_RECIPIENT',
  104: 'PROVIDER_REJECTED',
  105: 'PROVIDER_REJECTED',
  106: 'PROVIDER_REJECTED',
  107: 'TEMPLATE_FAILED',
  121: 'TEMPLATE_FAILED',
  122: 'TEMPLATE_FAILED',
};

/**
 * The one place that reads Octopush's errors: HTTP status, documented code
 * and transport failures become a typed, retryable-or-not DeliveryError.
 */
export function translateOctopushError(
  error: unknown,
): DeliveryError | typeof OCTOPUSH_DUPLICATE_REQUEST {
  if (!(error instanceof AxiosError)) {
    return fail('PROVIDER_UNAVAILABLE', 'unexpected provider error', error);
  }
  if (!error.response) return transportFailure(error);

  const { status, data, headers } = error.response;
  const code = readCode(data);
  const message = readMessage(data) ?? `HTTP ${status}`;

  if (code === 120) return OCTOPUSH_DUPLICATE_REQUEST;
  if (status === 429) {
    return fail('RATE_LIMITED', message, error, {
      retryAfterMs: retryAfterMs(headers['retry-after']),
      providerCode: '429',
    });
  }
  if (status >= 500) {
    return fail('PROVIDER_UNAVAILABLE', message, error, {
      providerCode: String(code ?? status),
    });
  }

  const mapped = code === undefined ? undefined : OCTOPUSH_CODE_MAP[code];
  return fail(mapped ?? 'PROVIDER_REJECTED', message, error, {
    providerCode: String(code ?? status),
  });
}

function transportFailure(error: AxiosError): DeliveryError {
  const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
  return fail(
    timedOut ? 'TIMEOUT' : 'PROVIDER_UNAVAILABLE',
    timedOut
      ? 'provider did not answer in time'
      : `connection failed (${error.code})`,
    error,
    { providerCode: error.code },
  );
}

function fail(
  code: DeliveryErrorCode,
  message: string,
  cause: unknown,
  extra: { retryAfterMs?: number; providerCode?: string } = {},
): DeliveryError {
  return new DeliveryError(code, message, {
    channel: 'sms',
    provider: PROVIDER,
    cause,
    ...extra,
  });
}

function readCode(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const code = Number((data as { code?: unknown }).code);
  return Number.isFinite(code) ? code : undefined;
}

function readMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = (data as { message?: unknown }).message;
  return typeof message === 'string' ? message : undefined;
}

/** Retry-After is seconds or an HTTP date; 1 s when absent or unreadable. */
export function retryAfterMs(value: unknown): number {
  if (typeof value !== 'string' || value === '') return 1000;

  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);

  const date = Date.parse(value);
  return Number.isNaN(date) ? 1000 : Math.max(0, date - Date.now());
}
