import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import {
  EmailSender,
  guardedSmtpSettings,
  isInternalAddress,
} from '@optic/providers';
import {
  UNREACHABLE_SMTP,
  verificationShown,
} from '../../services/api/src/routes/email-checks';
import { loadConfig as apiConfig } from '../../services/api/src/config';
import { loadConfig as emailWorkerConfig } from '../../workers/email/src/config';
import { closedPort, mailFor, settled } from '../email/email-support';
import { createClient, createShop, sendMessage } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';

/**
 * Something internal that listens: it greets like a mail server and counts
 * who came, so a test can tell that nobody did.
 */
class InternalService {
  connections = 0;
  private readonly server: Server = createServer((socket) => {
    this.connections += 1;
    socket.end('220 vault.internal ESMTP internal-only\r\n');
  });

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const SECRETS = {
  NODE_ENV: 'production',
  OCTOPUSH_WEBHOOK_TOKEN: '8c1f0e2d9b7a6c5e4f3a2b1c0d9e8f7a',
  UNSUBSCRIBE_SECRET: '5d2e8f1a7c3b9e4d6a0f2c8b1e7d3a9f',
};

describe('which addresses count as internal', () => {
  it.each([
    '127.0.0.1',
    '127.254.3.9',
    '::1',
    '10.20.30.40',
    '172.16.0.1',
    '172.31.255.254',
    '192.168.1.20',
    '169.254.169.254',
    '100.64.0.7',
    '0.0.0.0',
    '::',
    '224.0.0.251',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
  ])('%s is internal', (address) => {
    expect(isInternalAddress(address)).toBe(true);
  });

  it.each([
    '203.0.113.25',
    '172.32.0.1',
    '192.169.0.1',
    '11.0.0.1',
    '2a01:4f8::25',
  ])('%s is not', (address) => {
    expect(isInternalAddress(address)).toBe(false);
  });

  it('refuses every name that resolves inside, whatever the letters say', async () => {
    // `localhost` is answered by /etc/hosts: no DNS query leaves the machine.
    await expect(
      guardedSmtpSettings(
        { host: 'localhost', port: 25, tlsMode: 'starttls' },
        'deny',
      ),
    ).rejects.toMatchObject({ code: 'SMTP_HOST_FORBIDDEN' });
  });

  it('refuses a password without TLS under deny, before any lookup', async () => {
    await expect(
      guardedSmtpSettings(
        { host: '203.0.113.25', port: 25, tlsMode: 'none', password: 'x' },
        'deny',
      ),
    ).rejects.toMatchObject({ code: 'SMTP_PASSWORD_IN_CLEAR' });
  });

  it('leaves the settings alone under allow, and a public address as given under deny', async () => {
    const settings = { host: 'localhost', port: 25, tlsMode: 'none' } as const;

    await expect(guardedSmtpSettings(settings, 'allow')).resolves.toBe(
      settings,
    );
    await expect(
      guardedSmtpSettings({ ...settings, host: '203.0.113.25' }, 'deny'),
    ).resolves.toMatchObject({ host: '203.0.113.25', servername: undefined });
  });
});

describe('SHOP_SMTP_PRIVATE_HOSTS', () => {
  it.each([
    [{}, 'allow'],
    [{ NODE_ENV: 'development' }, 'allow'],
    [SECRETS, 'deny'],
    [{ ...SECRETS, SHOP_SMTP_PRIVATE_HOSTS: 'allow' }, 'allow'],
    [{ SHOP_SMTP_PRIVATE_HOSTS: 'deny' }, 'deny'],
  ])('reads %j as %s in the API and the e-mail worker', (env, policy) => {
    expect(apiConfig(env).SHOP_SMTP_PRIVATE_HOSTS).toBe(policy);
    expect(emailWorkerConfig(env).SHOP_SMTP_PRIVATE_HOSTS).toBe(policy);
  });

  it('refuses another value, naming the variable', () => {
    expect(() => apiConfig({ SHOP_SMTP_PRIVATE_HOSTS: 'yes' })).toThrow(
      /SHOP_SMTP_PRIVATE_HOSTS/,
    );
  });
});

describe('a check that never reached a mail server, under deny', () => {
  const timedOut = {
    ok: false,
    stage: 'CONN',
    errorCode: 'TIMEOUT',
    message: 'Connection timeout',
    serverReplies: [],
  };

  it('reads the same whether refused, timed out or answered in another protocol', async () => {
    const refused = await new EmailSender({ connectionTimeoutMs: 2000 }).verify(
      {
        host: '127.0.0.1',
        port: await closedPort(),
        tlsMode: 'none',
      },
    );
    const otherProtocol = {
      ...timedOut,
      errorCode: 'PROVIDER_UNAVAILABLE',
      message: 'Invalid greeting',
      serverReplies: ['-ERR unknown command'],
    };

    expect(refused.message).toMatch(/ECONNREFUSED/);
    for (const result of [refused, timedOut, otherProtocol]) {
      expect(verificationShown('deny', result)).toEqual(UNREACHABLE_SMTP);
    }
  });

  it('keeps what a mail server said, and everything under allow', () => {
    const refusedLogin = {
      ok: false,
      stage: 'AUTH PLAIN',
      errorCode: 'AUTH_FAILED',
      smtpCode: 535,
      message: '535 5.7.8 Authentication credentials invalid',
      serverReplies: [
        '220 mail.shop.test ESMTP',
        '535 5.7.8 Authentication credentials invalid',
      ],
    };

    expect(verificationShown('deny', refusedLogin)).toBe(refusedLogin);
    expect(verificationShown('allow', timedOut)).toBe(timedOut);
  });
});

describe('a shop’s own SMTP server on a platform that denies internal hosts', () => {
  let stack: TestStack;
  let internal: InternalService;
  let shopId: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({ privateSmtpHosts: 'deny' });
    internal = await new InternalService().start();
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
  });

  afterAll(async () => {
    await stack.close();
    await internal.stop();
  });

  const settingsUrl = () => `/v1/shops/${shopId}/email/settings`;
  const server = (host: string, port: number) => ({
    smtp: { host, port, tlsMode: 'none' },
  });

  it.each(['127.0.0.1', 'localhost', '10.0.0.8', '169.254.169.254', '0.0.0.0'])(
    'refuses to save %s, naming smtp.host',
    async (host) => {
      const response = await stack.api.patch(
        settingsUrl(),
        server(host, internal.port),
      );

      expect(response.status).toBe(422);
      expect(response.data.errors).toEqual([
        {
          path: 'smtp.host',
          message: expect.stringMatching(/^not a public server/),
        },
      ]);
      expect((await stack.api.get(settingsUrl())).data.smtp).toBeNull();
    },
  );

  it('answers a verify the same whether something listens or not, without connecting', async () => {
    const verify = (port: number) =>
      stack.api.post(`${settingsUrl()}/verify`, server('127.0.0.1', port));

    const listening = await verify(internal.port);
    const closed = await verify(await closedPort());

    expect(listening.status).toBe(422);
    expect(listening.data).toEqual(closed.data);
    expect(JSON.stringify(listening.data)).not.toMatch(
      /ECONNREFUSED|220|internal-only/,
    );
    expect(internal.connections).toBe(0);
  });

  it('refuses a password sent without TLS to a public server, and takes it with STARTTLS', async () => {
    // A documentation address (RFC 5737): saving never connects to it.
    const smtp = {
      host: '203.0.113.25',
      port: 587,
      user: 'boutique@optique-lumiere.test',
      password: 'Lun3ttes-Sécret!42',
    };
    const otherShop = await createShop(stack.api);
    const url = `/v1/shops/${otherShop}/email/settings`;

    const inClear = await stack.api.patch(url, {
      smtp: { ...smtp, tlsMode: 'none' },
    });
    const withTls = await stack.api.patch(url, {
      smtp: { ...smtp, tlsMode: 'starttls' },
    });

    expect(inClear.status).toBe(422);
    expect(inClear.data.errors).toEqual([
      {
        path: 'smtp.password',
        message: expect.stringContaining('never sent without TLS'),
      },
    ]);
    expect(withTls.status).toBe(200);
    expect(withTls.data.smtp).toMatchObject({
      host: '203.0.113.25',
      passwordSet: true,
    });
  });

  it.each(['127.0.0.1', 'localhost'])(
    'fails for good an e-mail whose stored server is %s, without connecting',
    async (host) => {
      // Saved before the policy changed, or a name that now resolves inside.
      await stack.db.dataSource.query(
        `UPDATE shop SET smtp_host = $2, smtp_port = $3, smtp_tls_mode = 'none' WHERE id = $1`,
        [shopId, host, internal.port],
      );

      const id = await sendMessage(stack.api, shopId, {
        channel: 'email',
        clientId,
        subject: 'Vos lentilles sont arrivées',
        body: '<p>Bonjour %prenom</p>',
      });

      expect(await settled(stack, shopId, id)).toMatchObject({
        status: 'failed',
        attempts: 1,
        error: expect.stringMatching(
          /^SMTP_HOST_FORBIDDEN: the shop's SMTP server is refused/,
        ),
      });
      expect(internal.connections).toBe(0);
    },
  );

  it('still sends through the platform’s own relay on loopback', async () => {
    await stack.db.dataSource.query(
      `UPDATE shop SET smtp_host = NULL, smtp_port = NULL WHERE id = $1`,
      [shopId],
    );

    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Vos lentilles sont arrivées',
      body: '<p>Bonjour %prenom</p>',
    });

    expect((await settled(stack, shopId, id)).status).toBe('sent');
    expect(mailFor(stack.smtp.received, id)).toHaveLength(1);
  });
});
