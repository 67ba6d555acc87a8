import {
  ConfigError,
  parseConfig,
} from '../../services/sms-sandbox/src/config';

describe('parseConfig', () => {
  it('applies the defaults to an empty environment', () => {
    expect(parseConfig({})).toEqual({
      host: '127.0.0.1',
      port: 4010,
      login: 'demo@optic.local',
      apiKey: 'sandbox-key',
      receiptsUrl: null,
      receiptDelayMs: 200,
      logLevel: 'info',
    });
  });

  it('reads every variable', () => {
    const config = parseConfig({
      SMS_SANDBOX_HOST: '0.0.0.0',
      SMS_SANDBOX_PORT: '0',
      SMS_SANDBOX_LOGIN: 'shop@optic.local',
      SMS_SANDBOX_API_KEY: 'k',
      SMS_SANDBOX_RECEIPTS_URL: 'http://127.0.0.1:3000/webhooks/octopush',
      SMS_SANDBOX_RECEIPT_DELAY_MS: '15',
      LOG_LEVEL: 'debug',
    });

    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      login: 'shop@optic.local',
      apiKey: 'k',
      receiptsUrl: 'http://127.0.0.1:3000/webhooks/octopush',
      receiptDelayMs: 15,
      logLevel: 'debug',
    });
  });

  it('treats a blank variable as unset', () => {
    expect(parseConfig({ SMS_SANDBOX_PORT: ' ' }).port).toBe(4010);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(parseConfig({}))).toBe(true);
  });

  it.each([
    ['SMS_SANDBOX_PORT', 'http', /integer from 0 to 65535/],
    ['SMS_SANDBOX_PORT', '70000', /integer from 0 to 65535/],
    ['SMS_SANDBOX_PORT', '-1', /integer from 0 to 65535/],
    ['SMS_SANDBOX_RECEIPT_DELAY_MS', '1.5', /integer from 0/],
    [
      'SMS_SANDBOX_RECEIPTS_URL',
      'localhost:3000',
      /http:\/\/ or https:\/\/ URL/,
    ],
    [
      'SMS_SANDBOX_RECEIPTS_URL',
      'ftp://127.0.0.1/x',
      /http:\/\/ or https:\/\/ URL/,
    ],
    ['LOG_LEVEL', 'verbose', /one of fatal, error, warn, info, debug/],
  ])('names %s when it holds %p', (name, value, expected) => {
    const read = () => parseConfig({ [name]: value });

    expect(read).toThrow(ConfigError);
    expect(read).toThrow(new RegExp(`^${name} must be`));
    expect(read).toThrow(expected);
  });
});
