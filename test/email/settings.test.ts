import axios from 'axios';
import type { Logger } from '@optic/domain';
import { createClient, createShop, sendMessage } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { waitFor } from '../support/wait-for';
import { AuthSmtpServer, closedPort, mailFor, settled } from './email-support';

const USER = 'boutique@optique-lumiere.test';
const PASSWORD = 'Lun3ttes-Sécret!42';
const OTHER_PASSWORD = 'Aut1e-M0t-de-passe';

/** Every form in which a password could leak: clear, and as AUTH sends it. */
function formsOf(password: string): string[] {
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  return [password, b64(password), b64(`\u0000${USER}\u0000${password}`)];
}

/** Keeps every log line of the API and the workers, as JSON. */
function capturingLogger(lines: string[], bound: object = {}): Logger {
  const at =
    (level: string) => (msg: string, fields?: Record<string, unknown>) => {
      lines.push(JSON.stringify({ level, msg, ...bound, ...fields }));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => capturingLogger(lines, { ...bound, ...fields }),
  };
}

describe('a shop’s own sending server', () => {
  const logLines: string[] = [];
  const answers: string[] = [];
  let stack: TestStack;
  let serverA: AuthSmtpServer;
  let serverB: AuthSmtpServer;
  let shopId: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack({
      logger: capturingLogger(logLines),
      smtpDebug: true,
      opsServers: true,
    });
    stack.api.interceptors.response.use((response) => {
      answers.push(
        JSON.stringify({ headers: response.headers, data: response.data }),
      );
      return response;
    });
    serverA = await new AuthSmtpServer(USER, PASSWORD).start();
    serverB = await new AuthSmtpServer(USER, OTHER_PASSWORD).start();
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
  });

  afterAll(async () => {
    await stack.close();
    await serverA.stop();
    await serverB.stop();
  });

  const settingsUrl = () => `/v1/shops/${shopId}/email/settings`;
  const smtpOf = (server: AuthSmtpServer, password?: string) => ({
    host: '127.0.0.1',
    port: server.port,
    tlsMode: 'none',
    user: USER,
    ...(password ? { password } : {}),
  });

  async function sendOne(): Promise<string> {
    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      subject: 'Vos lentilles sont arrivées',
      body: '<p>Bonjour %prenom</p>',
    });
    expect((await settled(stack, shopId, id)).status).toBe('sent');
    return id;
  }

  it('saves the sender, the server and the copy policy, and shows all but the password', async () => {
    const response = await stack.api.patch(settingsUrl(), {
      fromAddress: 'Contact@Optique-Lumiere.TEST',
      fromName: 'Optique Lumière',
      smtp: smtpOf(serverA, PASSWORD),
      copy: { policy: 'bcc', address: 'archives@optique-lumiere.test' },
    });

    const expected = {
      fromAddress: 'Contact@optique-lumiere.test',
      fromName: 'Optique Lumière',
      smtp: {
        host: '127.0.0.1',
        port: serverA.port,
        tlsMode: 'none',
        user: USER,
        passwordSet: true,
      },
      copy: { policy: 'bcc', address: 'archives@optique-lumiere.test' },
    };
    expect(response.status).toBe(200);
    expect(response.data).toEqual(expected);
    expect((await stack.api.get(settingsUrl())).data).toEqual(expected);
    const shop = await stack.api.get(`/v1/shops/${shopId}`);
    expect(shop.data).toMatchObject({ smtpPasswordSet: true });
    expect(shop.data).not.toHaveProperty('smtpPasswordEnc');
  });

  it('stores the password sealed, never in clear or base64', async () => {
    const [row] = await stack.db.dataSource.query(
      'SELECT smtp_password_enc FROM shop WHERE id = $1',
      [shopId],
    );

    expect(row.smtp_password_enc).toMatch(/^v1\./);
    for (const form of formsOf(PASSWORD)) {
      expect(row.smtp_password_enc).not.toContain(form);
    }
  });

  it('sends through the shop’s server with its login, not through the relay', async () => {
    const id = await sendOne();

    const [mail] = mailFor(serverA.received, id);
    expect(mail?.envelope.to).toEqual(['claire.durand@example.org']);
    expect(mailFor(stack.smtp.received, id)).toEqual([]);
    expect(serverA.logins).toContainEqual({ user: USER, ok: true });
    // The BCC copy went to the same server, in its own transaction.
    await waitFor(() => mailFor(serverA.received, id).length === 2);
  });

  it('rebuilds the shop’s pool when its settings change', async () => {
    const changed = await stack.api.patch(settingsUrl(), {
      smtp: smtpOf(serverB, OTHER_PASSWORD),
      copy: { policy: 'none' },
    });
    expect(changed.status).toBe(200);

    const id = await sendOne();

    expect(mailFor(serverB.received, id)).toHaveLength(1);
    expect(mailFor(serverA.received, id)).toEqual([]);
  });

  describe('POST .../email/settings/verify', () => {
    it('logs in with the stored settings and reports what the server said', async () => {
      const response = await stack.api.post(`${settingsUrl()}/verify`);

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        ok: true,
        host: '127.0.0.1',
        port: serverB.port,
        tlsMode: 'none',
      });
      expect(response.data.serverReplies).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^220 /),
          expect.stringMatching(/^235 /),
        ]),
      );
    });

    it('reports a refused login with the stage and the server’s reply', async () => {
      const response = await stack.api.post(`${settingsUrl()}/verify`, {
        smtp: smtpOf(serverB, 'not-the-password'),
      });

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        ok: false,
        stage: expect.stringMatching(/^AUTH /),
        errorCode: 'AUTH_FAILED',
        smtpCode: 535,
        message: expect.stringContaining(
          '535 5.7.8 Authentication credentials invalid',
        ),
      });
    });

    it('reports a host that refuses the connection', async () => {
      const response = await stack.api.post(`${settingsUrl()}/verify`, {
        smtp: { host: '127.0.0.1', port: await closedPort(), tlsMode: 'none' },
      });

      expect(response.data).toMatchObject({
        ok: false,
        stage: 'CONN',
        errorCode: 'PROVIDER_UNAVAILABLE',
        message: expect.stringMatching(/ECONNREFUSED/),
        serverReplies: [],
      });
    });

    it('reports a server that does not offer the STARTTLS the settings require', async () => {
      const response = await stack.api.post(`${settingsUrl()}/verify`, {
        smtp: { ...smtpOf(serverB, OTHER_PASSWORD), tlsMode: 'starttls' },
      });

      expect(response.data).toMatchObject({
        ok: false,
        stage: 'STARTTLS',
        errorCode: 'PROVIDER_REJECTED',
        message: expect.stringMatching(/^500 /),
      });
    });

    it('never sends the stored password to another server', async () => {
      const response = await stack.api.post(`${settingsUrl()}/verify`, {
        smtp: smtpOf(serverA),
      });

      expect(response.status).toBe(400);
      expect(response.data.errors).toEqual([
        {
          path: 'smtp.password',
          message: expect.stringMatching(
            /required when the host, port, TLS mode or user changes/,
          ),
        },
      ]);
      expect(serverA.logins.filter((l) => !l.ok)).toEqual([]);
    });
  });

  describe('when the settings are wrong', () => {
    it.each([
      [
        'a host with a scheme',
        { smtp: { host: 'smtp://mail.test', port: 587, tlsMode: 'starttls' } },
        'smtp.host',
      ],
      [
        'port 0',
        { smtp: { host: 'mail.test', port: 0, tlsMode: 'starttls' } },
        'smtp.port',
      ],
      [
        'an unknown TLS mode',
        { smtp: { host: 'mail.test', port: 465, tlsMode: 'ssl' } },
        'smtp.tlsMode',
      ],
      [
        'a copy in CC without an address',
        { copy: { policy: 'cc' } },
        'copy.address',
      ],
      [
        'a sender that is not an address',
        { fromAddress: 'contact@' },
        'fromAddress',
      ],
      [
        'a sender name on two lines',
        { fromName: 'Optique\r\nBcc: x@y.test' },
        'fromName',
      ],
      [
        'a new host without the password',
        {
          smtp: {
            host: 'mail.other.test',
            port: 587,
            tlsMode: 'starttls',
            user: USER,
          },
        },
        'smtp.password',
      ],
    ])(
      'answers 400 naming the field for %s, and changes nothing',
      async (_what, body, path) => {
        const before = (await stack.api.get(settingsUrl())).data;

        const response = await stack.api.patch(settingsUrl(), body);

        expect(response.status).toBe(400);
        expect(
          response.data.errors.map((e: { path: string }) => e.path),
        ).toEqual([path]);
        expect((await stack.api.get(settingsUrl())).data).toEqual(before);
      },
    );
  });

  it('never shows a password, in clear or base64, in any answer, log line (SMTP debug log on) or /metrics', async () => {
    // The run did log in and did log the SMTP conversation.
    expect(serverB.logins).toContainEqual({ user: USER, ok: true });
    expect(logLines.some((line) => line.includes('AUTH PLAIN'))).toBe(true);
    expect(answers.length).toBeGreaterThan(10);
    // ...and the refused logins of the checks ran before this one.
    expect(answers.some((a) => a.includes('535 5.7.8'))).toBe(true);

    // Every process's metrics too: the API's and each worker's.
    const metrics = [String((await stack.api.get('/metrics')).data)];
    for (const worker of stack.workers) {
      if (worker.opsUrl)
        metrics.push(
          String((await axios.get(`${worker.opsUrl}/metrics`)).data),
        );
    }
    expect(metrics.length).toBeGreaterThanOrEqual(3);
    expect(metrics.join('\n')).toContain(
      'optic_provider_request_duration_seconds',
    );

    for (const form of [...formsOf(PASSWORD), ...formsOf(OTHER_PASSWORD)]) {
      for (const answer of answers) expect(answer).not.toContain(form);
      for (const line of logLines) expect(line).not.toContain(form);
      for (const text of metrics) expect(text).not.toContain(form);
    }
  });
});
