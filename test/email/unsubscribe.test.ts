import { randomUUID } from 'node:crypto';
import { readUnsubscribeToken, unsubscribeToken } from '@optic/providers';
import { createClient, createShop, sendMessage } from '../support/api-fixtures';
import {
  startTestStack,
  TEST_PUBLIC_BASE_URL,
  TEST_UNSUBSCRIBE_SECRET,
} from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { mailFor, settled } from './email-support';

describe('one-click unsubscribe from marketing e-mails', () => {
  let stack: TestStack;
  let shopId: string;
  let clientId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    shopId = await createShop(stack.api);
    clientId = await createClient(stack.api, shopId);
  });

  afterAll(async () => {
    await stack.close();
  });

  async function sendSettled(kind: 'marketing' | 'transactional') {
    const id = await sendMessage(stack.api, shopId, {
      channel: 'email',
      clientId,
      kind,
      subject: kind === 'marketing' ? 'Soldes d’été -30 %' : 'Vos lunettes',
      body: '<p>Bonjour %prenom</p>',
    });
    return { id, message: await settled(stack, shopId, id) };
  }

  function headerLine(id: string, name: string): string | undefined {
    const [mail] = mailFor(stack.smtp.received, id);
    return mail?.parsed.headerLines.find((h) => h.key === name)?.line;
  }

  async function consentOfClient() {
    const [client] = await stack.db.dataSource.query(
      'SELECT email_consent, email_consent_source FROM client WHERE id = $1',
      [clientId],
    );
    const events = await stack.db.dataSource.query(
      `SELECT granted, source, actor, message_id FROM consent_event
       WHERE client_id = $1 AND channel = 'email' ORDER BY occurred_at`,
      [clientId],
    );
    const suppressions = await stack.db.dataSource.query(
      `SELECT address, reason, message_id FROM suppression WHERE shop_id = $1`,
      [shopId],
    );
    return { client, events, suppressions };
  }

  let marketingId: string;
  let link: string;

  it('sends transactional e-mails without List-Unsubscribe', async () => {
    const { id, message } = await sendSettled('transactional');

    expect(message.status).toBe('sent');
    expect(headerLine(id, 'list-unsubscribe')).toBeUndefined();
    expect(headerLine(id, 'list-unsubscribe-post')).toBeUndefined();
    expect(mailFor(stack.smtp.received, id)[0]!.parsed.html).not.toContain(
      'désabonner',
    );
  });

  it('puts the one-click headers (RFC 8058) and a footer link on marketing e-mails', async () => {
    const { id, message } = await sendSettled('marketing');
    marketingId = id;

    expect(message.status).toBe('sent');
    const header = headerLine(id, 'list-unsubscribe');
    const match =
      /^List-Unsubscribe: <(https:\/\/comm\.optic\.test\/v1\/unsubscribe\/[\w-]{43})>$/.exec(
        header ?? '',
      );
    expect(match).not.toBeNull();
    link = match![1]!;
    expect(headerLine(id, 'list-unsubscribe-post')).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    const mail = mailFor(stack.smtp.received, id)[0]!;
    expect(mail.parsed.html).toContain(`href="${link}"`);
    expect(mail.parsed.html).toContain('Se désabonner');
    expect(mail.parsed.text).toContain(link);
  });

  it('only asks to confirm on GET: link checkers unsubscribe nobody', async () => {
    const response = await stack.api.get(pathOf(link));

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.data).toContain('<form method="post">');
    expect(response.data).toContain('claire.durand@example.org');
    expect((await consentOfClient()).client.email_consent).toBe(true);
  });

  it('withdraws e-mail consent with the message as proof and suppresses the address on POST', async () => {
    const response = await stack.api.post(
      pathOf(link),
      'List-Unsubscribe=One-Click',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    );

    expect(response.status).toBe(200);
    expect(response.data).toContain('vous ne recevrez plus');
    const state = await consentOfClient();
    expect(state.client).toEqual({
      email_consent: false,
      email_consent_source: 'unsubscribe_link',
    });
    expect(state.events).toEqual([
      { granted: true, source: 'in_shop', actor: 'Julie', message_id: null },
      {
        granted: false,
        source: 'unsubscribe_link',
        actor: 'system',
        message_id: marketingId,
      },
    ]);
    expect(state.suppressions).toEqual([
      {
        address: 'claire.durand@example.org',
        reason: 'unsubscribe',
        message_id: marketingId,
      },
    ]);
  });

  it('takes a second click as done, without a second record', async () => {
    const response = await stack.api.post(pathOf(link));

    expect(response.status).toBe(200);
    expect((await consentOfClient()).events).toHaveLength(2);
  });

  it('sends no more marketing e-mail to the client', async () => {
    const { id, message } = await sendSettled('marketing');

    expect(message).toMatchObject({ status: 'rejected', reason: 'no_consent' });
    expect(mailFor(stack.smtp.received, id)).toEqual([]);
  });

  describe('when the token is not one of ours', () => {
    it.each([
      ['altered', () => alter(link, link.length - 20)],
      [
        'written another way (unused trailing bits)',
        () => alter(link, link.length - 1, true),
      ],
      [
        'signed with another key',
        () => `x/${unsubscribeToken(marketingId, 'another-secret-0123456789')}`,
      ],
      [
        'for a message that does not exist',
        () => `x/${unsubscribeToken(randomUUID(), TEST_UNSUBSCRIBE_SECRET)}`,
      ],
      ['not a token at all', () => 'x/../../v1/shops'],
    ])(
      'answers 404 when it is %s, and changes nothing',
      async (_what, make) => {
        const before = await consentOfClient();
        const token = make().split('/').pop()!;

        const answers = await Promise.all([
          stack.api.get(`/v1/unsubscribe/${token}`),
          stack.api.post(`/v1/unsubscribe/${token}`),
        ]);

        expect(answers.map((a) => a.status)).toEqual([404, 404]);
        expect(await consentOfClient()).toEqual(before);
      },
    );

    it('answers 404 to a valid token of an SMS', async () => {
      const smsId = await sendMessage(stack.api, shopId, {
        channel: 'sms',
        clientId,
        body: 'Bonjour',
      });
      const token = unsubscribeToken(smsId, TEST_UNSUBSCRIBE_SECRET);

      expect((await stack.api.post(`/v1/unsubscribe/${token}`)).status).toBe(
        404,
      );
    });
  });

  it('reads back only the tokens it made', () => {
    const id = randomUUID();
    const token = unsubscribeToken(id, TEST_UNSUBSCRIBE_SECRET);

    expect(token).toMatch(/^[\w-]{43}$/);
    expect(readUnsubscribeToken(token, TEST_UNSUBSCRIBE_SECRET)).toBe(id);
    expect(readUnsubscribeToken(token, 'another-secret-0123456789')).toBeNull();
  });
});

/** Changes one character of the token: a whole one, or only its unused bits. */
function alter(link: string, at: number, sameBits = false): string {
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const index = alphabet.indexOf(link[at]!);
  const other = sameBits ? index ^ 1 : (index + 32) % 64;
  return `${link.slice(0, at)}${alphabet[other]}${link.slice(at + 1)}`;
}

function pathOf(link: string): string {
  return link.slice(TEST_PUBLIC_BASE_URL.length);
}
