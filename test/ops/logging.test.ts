import { Writable } from 'node:stream';
import { maskLogFields } from '@optic/domain';
import {
  commonEnv,
  createProcessLogger,
  logFormatOf,
  parseEnv,
} from '@optic/runtime';
import {
  buyCredits,
  createClient,
  createShop,
  sendMessage,
} from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { AuthSmtpServer, settled } from '../email/email-support';
import { clientWithKey, createShopKey } from '../security/security-support';

const MOBILE_TYPED = '06 98 76 54 32';
const MOBILE_E164 = '+33698765432';
const EMAIL = 'helene.marchand@example.fr';
const SMS_BODY = 'Votre monture Ray-Ban est prête à l’atelier';
const EMAIL_SUBJECT = 'Devis verres progressifs';
const EMAIL_BODY = '<p>Le devis de vos verres Varilux Comfort</p>';
const SMTP_USER = 'boutique@optique-marine.test';
const SMTP_PASSWORD = 'S3cret-Smtp-Pass!';

/** A pino destination that keeps every line written to it. */
function lineSink(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

/** Every form in which a value could leak into a line. */
function leaks(secrets: string[]): string[] {
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  return [
    ...secrets,
    ...secrets.map(base64),
    base64(`\u0000${SMTP_USER}\u0000${SMTP_PASSWORD}`),
  ];
}

describe('the workers’ log while they send an SMS and an e-mail', () => {
  const sink = lineSink();
  let stack: TestStack;
  let smtp: AuthSmtpServer;
  let shopId: string;
  let apiKey: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    smtp = await new AuthSmtpServer(SMTP_USER, SMTP_PASSWORD).start();
    stack = await startTestStack({
      logger: createProcessLogger({
        name: 'stack',
        level: 'debug',
        destination: sink.stream,
      }),
      // The whole SMTP conversation, as an operator troubleshooting sees it.
      smtpDebug: true,
      retryPolicy: { attempts: 3, baseDelayMs: 50, maxDelayMs: 100 },
    });
    shopId = await createShop(stack.api, { name: 'Optique Marine' });
    apiKey = (await createShopKey(stack, shopId, 'manager')).key;
    await sendEverything(clientWithKey(stack, apiKey));
  });

  afterAll(async () => {
    await stack?.close();
    await smtp?.stop();
  });

  async function sendEverything(
    api: ReturnType<typeof clientWithKey>,
  ): Promise<void> {
    await buyCredits(stack.api, shopId, 10);
    const settings = await api.patch(`/v1/shops/${shopId}/email/settings`, {
      smtp: {
        host: '127.0.0.1',
        port: smtp.port,
        tlsMode: 'none',
        user: SMTP_USER,
        password: SMTP_PASSWORD,
      },
    });
    expect(settings.status).toBe(200);
    const clientId = await createClient(api, shopId, {
      lastName: 'Marchand',
      firstName: 'Hélène',
      mobile: MOBILE_TYPED,
      email: EMAIL,
    });

    // A 503 then a success: a retry, then the send.
    stack.sandbox.script([{ type: 'http', status: 503 }]);
    ids.retried = await sendOne(api, { channel: 'sms', clientId });
    stack.sandbox.script([{ type: 'invalid-number' }]);
    ids.failed = await sendOne(api, { channel: 'sms', clientId });
    ids.email = await sendOne(api, {
      channel: 'email',
      clientId,
      subject: EMAIL_SUBJECT,
      body: EMAIL_BODY,
    });
  }

  async function sendOne(
    api: ReturnType<typeof clientWithKey>,
    message: Record<string, unknown>,
  ): Promise<string> {
    const id = await sendMessage(api, shopId, {
      body: SMS_BODY,
      ...message,
    });
    await settled(stack, shopId, id);
    return id;
  }

  function entries(): Record<string, unknown>[] {
    return sink.lines.map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
  }

  it('writes every line as one JSON object', () => {
    expect(sink.lines.length).toBeGreaterThan(10);
    expect(
      sink.lines.filter((line) => {
        try {
          return typeof JSON.parse(line) !== 'object';
        } catch {
          return true;
        }
      }),
    ).toEqual([]);
  });

  it('carries the job, message, shop, campaign and attempt of each delivery under fixed keys', () => {
    const outcomes = entries()
      .filter((e) => typeof e.messageId === 'string' && e.jobId)
      .filter((e) => /^(message |attempt failed)/.test(String(e.msg)))
      .map((e) => [
        e.msg,
        e.jobId,
        e.messageId,
        e.shopId,
        e.campaignId,
        e.attempt,
        e.errorCode ?? null,
      ]);

    expect(outcomes).toEqual([
      [
        'attempt failed, will retry',
        `msg-${ids.retried}`,
        ids.retried,
        shopId,
        null,
        1,
        'PROVIDER_UNAVAILABLE',
      ],
      [
        'message sent',
        `msg-${ids.retried}`,
        ids.retried,
        shopId,
        null,
        2,
        null,
      ],
      [
        'message failed',
        `msg-${ids.failed}`,
        ids.failed,
        shopId,
        null,
        1,
        'INVALID_RECIPIENT',
      ],
      ['message sent', `msg-${ids.email}`, ids.email, shopId, null, 1, null],
    ]);
  });

  it('names the job of every line that names a message', () => {
    const withMessage = entries().filter((e) => e.messageId !== undefined);

    expect(withMessage.length).toBeGreaterThanOrEqual(4);
    expect(
      withMessage.filter((e) => e.jobId !== `msg-${String(e.messageId)}`),
    ).toEqual([]);
  });

  it('logged the SMTP conversation, with the recipient masked', () => {
    const conversation = entries().filter((e) => e.msg === 'smtp transport');
    const recipients = conversation
      .map((e) => String(e.detail))
      .filter((detail) => detail.includes('RCPT TO'));

    expect(recipients).toEqual([expect.stringContaining('h***@example.fr')]);
  });

  it('never writes the number, the address, the texts, the SMTP password or the API key', () => {
    const forbidden = leaks([
      MOBILE_E164,
      MOBILE_TYPED,
      MOBILE_E164.slice(1),
      '0698765432',
      EMAIL,
      SMS_BODY,
      EMAIL_SUBJECT,
      'Varilux',
      SMTP_PASSWORD,
      apiKey,
      stack.authorization.replace('Bearer ', ''),
    ]);

    const found = sink.lines.flatMap((line) =>
      forbidden.filter((value) => line.includes(value)),
    );

    expect(found).toEqual([]);
  });
});

describe('createProcessLogger', () => {
  const hostile = {
    messageId: '06123456-7890-4123-8456-061234567890',
    jobId: 'msg-06123456-7890-4123-8456-061234567890',
    attempt: 2,
    to: MOBILE_E164,
    email: EMAIL,
    error: `550 5.1.1 <${EMAIL}> unknown; call ${MOBILE_TYPED}`,
    smtpPassword: SMTP_PASSWORD,
    auth: { user: SMTP_USER, pass: SMTP_PASSWORD },
    headers: { authorization: `Bearer ${SMTP_PASSWORD}` },
    body: SMS_BODY,
    attachments: [Buffer.from(SMS_BODY)],
  };

  it('masks numbers and addresses and removes secrets and texts, keeping ids', () => {
    const sink = lineSink();
    const logger = createProcessLogger({
      name: 'test',
      level: 'info',
      destination: sink.stream,
    });

    logger.child({ shopId: 'b1c2', recipient: EMAIL }).warn('refused', hostile);
    const [line] = sink.lines;

    expect(JSON.parse(line ?? '')).toMatchObject({
      level: 40,
      name: 'test',
      msg: 'refused',
      shopId: 'b1c2',
      recipient: 'h***@example.fr',
      messageId: hostile.messageId,
      jobId: hostile.jobId,
      attempt: 2,
      to: '+33 6 ** ** ** 32',
      email: 'h***@example.fr',
      error: '550 5.1.1 <h***@example.fr> unknown; call 069*****32',
      smtpPassword: '[redacted]',
      auth: { pass: '[redacted]' },
      headers: { authorization: '[redacted]' },
      body: '[redacted]',
      attachments: '[redacted]',
    });
    for (const value of leaks([MOBILE_E164, EMAIL, SMS_BODY, SMTP_PASSWORD])) {
      expect([value, line?.includes(value)]).toEqual([value, false]);
    }
  });

  it('writes human-readable lines in the pretty format, masked the same way', () => {
    const sink = lineSink();
    const logger = createProcessLogger({
      name: 'worker-sms',
      level: 'info',
      format: 'pretty',
      destination: sink.stream,
    });

    logger.info('message sent', { messageId: 'm-1', to: MOBILE_E164 });
    const text = sink.lines.join('\n');

    expect(text).toMatch(/INFO.*\(worker-sms\): message sent/);
    expect(text).toContain('messageId: "m-1"');
    expect(text).toContain('+33 6 ** ** ** 32');
    expect(text).not.toContain(MOBILE_E164);
    expect(() => JSON.parse(sink.lines[0] ?? '')).toThrow();
  });
});

describe('the log format from the environment', () => {
  it.each([
    [{}, 'json'],
    [{ NODE_ENV: 'production' }, 'json'],
    [{ NODE_ENV: 'development' }, 'pretty'],
    [{ NODE_ENV: 'development', LOG_FORMAT: 'json' }, 'json'],
    [{ LOG_FORMAT: 'pretty' }, 'pretty'],
  ])('reads %j as %s', (env, format) => {
    expect(logFormatOf(parseEnv(commonEnv, env))).toBe(format);
  });

  it('refuses an unknown LOG_FORMAT, naming it', () => {
    expect(() => parseEnv(commonEnv, { LOG_FORMAT: 'yaml' })).toThrow(
      /LOG_FORMAT/,
    );
  });
});

describe('maskLogFields', () => {
  it.each([
    [{ mobile: '06 12 34 56 78' }, { mobile: '06 1* ** ** 78' }],
    [{ address: 'jean@example.fr' }, { address: 'j***@example.fr' }],
    [{ address: '+590690123456' }, { address: '+590 *** ** ** 56' }],
    [{ to: 'Jean' }, { to: '***' }],
    [
      { detail: 'RCPT TO:<jean@example.fr>' },
      { detail: 'RCPT TO:<j***@example.fr>' },
    ],
    [
      { detail: 'to 0033612345678 now' },
      { detail: 'to +33 6 ** ** ** 78 now' },
    ],
    [
      { apiKey: 'k', 'api-key': 'k', OCTOPUSH_API_KEY: 'k' },
      {
        apiKey: '[redacted]',
        'api-key': '[redacted]',
        OCTOPUSH_API_KEY: '[redacted]',
      },
    ],
    [
      { cookie: 'optic_admin_key=x', webhookToken: 't' },
      { cookie: '[redacted]', webhookToken: '[redacted]' },
    ],
    [
      { html: '<p>x</p>', text: 'x', renderedText: 'x', subject: 'x' },
      {
        html: '[redacted]',
        text: '[redacted]',
        renderedText: '[redacted]',
        subject: '[redacted]',
      },
    ],
    [
      { at: '2026-03-10T09:00:00.000Z', count: 612345678, poolKey: 'shop:1' },
      { at: '2026-03-10T09:00:00.000Z', count: 612345678, poolKey: 'shop:1' },
    ],
  ])('turns %j into %j', (fields, masked) => {
    expect(maskLogFields(fields)).toEqual(masked);
  });

  it('keeps UUIDs whose digits look like a phone number', () => {
    const ids = {
      messageId: '06123456-7890-4123-8456-061234567890',
      campaignId: '33612345-6789-4000-8000-000612345678',
    };

    expect(maskLogFields(ids)).toEqual(ids);
  });
});
