import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';

const LENS_RENEWAL =
  "%magasin vous rappelle que la boîte de lentilles achetées le %datevisite va bientôt se terminer.\r\nN'oubliez pas de programmer un passage en magasin pour ne pas tomber en rupture de lentille !";

describe('the SMS preview', () => {
  let stack: TestStack;
  let bareShop: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    // No header, signature or STOP mention: the text is counted as typed.
    bareShop = await createShop(stack.api, {
      smsStopMention: undefined,
      name: 'Optique Lumière',
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  async function preview(body: Record<string, unknown>, shopId = bareShop) {
    return stack.api.post(`/v1/shops/${shopId}/sms/preview`, body);
  }

  it.each([
    ['a', 160, 'GSM-7', 160, 1],
    ['a', 161, 'GSM-7', 161, 2],
    ['a', 306, 'GSM-7', 306, 2],
    ['a', 307, 'GSM-7', 307, 3],
    ['€', 80, 'GSM-7', 160, 1],
    ['€', 81, 'GSM-7', 162, 2],
    ['é', 70, 'GSM-7', 70, 1],
    ['ê', 70, 'UCS-2', 70, 1],
    ['ê', 71, 'UCS-2', 71, 2],
  ])(
    'counts %s × %d as %s, %d units, %d part(s)',
    async (char, times, encoding, units, segments) => {
      const response = await preview({ text: char.repeat(times) });

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        encoding,
        units,
        segments,
        credits: segments,
      });
    },
  );

  it('names the characters that force UCS-2 and offers the transliterated count', async () => {
    const response = await preview({ text: 'Vos lunettes sont prêtes' });

    expect(response.data).toMatchObject({
      encoding: 'UCS-2',
      segments: 1,
      characters: 24,
    });
    expect(response.data.unicodeCharacters).toEqual([{ char: 'ê', index: 20 }]);
    expect(response.data.transliterated).toMatchObject({
      text: 'Vos lunettes sont pretes',
      encoding: 'GSM-7',
      segments: 1,
    });
  });

  it('counts the manual’s lens-renewal text as 3 UCS-2 parts, 2 once transliterated', async () => {
    const response = await preview({ text: LENS_RENEWAL });

    // Without a client the client's fields stay as typed; the shop's are filled.
    expect(response.data.text.startsWith('Optique Lumière vous rappelle')).toBe(
      true,
    );
    const raw = await preview({
      text: LENS_RENEWAL.replace('%magasin', 'Lunettes'),
    });
    expect(raw.data).toMatchObject({
      characters: 191,
      encoding: 'UCS-2',
      segments: 3,
    });
    expect(
      raw.data.unicodeCharacters.map((c: { char: string }) => c.char),
    ).toEqual(['î', 'ô']);
    expect(raw.data.transliterated).toMatchObject({
      encoding: 'GSM-7',
      segments: 2,
    });
  });

  it('merges a client’s fields and charges each name its own count', async () => {
    const anais = await createClient(stack.api, bareShop, {
      firstName: 'Anaïs',
    });
    const helene = await createClient(stack.api, bareShop, {
      firstName: 'Hélène',
      mobile: '06 12 34 56 79',
    });
    const text = `Bonjour %prenom, ${'x'.repeat(150)}`;

    const forAnais = await preview({ text, clientId: anais });
    const forHelene = await preview({ text, clientId: helene });

    expect(forAnais.data).toMatchObject({ encoding: 'UCS-2', segments: 3 });
    expect(forHelene.data).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });

  it('adds header, signature and, on marketing only, the STOP mention, and counts them', async () => {
    const shopId = await createShop(stack.api, {
      smsHeader: 'Optique Lumière :',
      smsSignature: 'A bientôt',
      smsStopMention: 'STOP au 36180',
    });

    const transactional = await preview(
      { text: 'Vos lunettes sont prêtes', kind: 'transactional' },
      shopId,
    );
    const marketing = await preview(
      { text: 'Soldes -20%', kind: 'marketing' },
      shopId,
    );
    const ownStop = await preview(
      { text: 'Soldes, %stopsms', kind: 'marketing' },
      shopId,
    );

    expect(transactional.data.text).toBe(
      'Optique Lumière :\nVos lunettes sont prêtes\nA bientôt',
    );
    expect(marketing.data.text).toBe(
      'Optique Lumière :\nSoldes -20%\nA bientôt\nSTOP au 36180',
    );
    expect(ownStop.data.text).toBe(
      'Optique Lumière :\nSoldes, STOP au 36180\nA bientôt',
    );
    expect(marketing.data.characters).toBe(marketing.data.text.length);
  });

  it('shows the balance and whether it covers the message', async () => {
    const response = await preview({ text: 'Bonjour' });

    expect(response.data).toMatchObject({ balance: 0, enoughCredit: false });
  });

  describe('when the input is wrong', () => {
    it.each([
      ['empty text', { text: '' }, 400, 'text'],
      ['blank text', { text: '   ' }, 400, 'text'],
      ['nothing', {}, 400, 'text'],
      ['an unknown merge field', { text: 'Bonjour %prenon' }, 422, 'text'],
      ['256 parts', { text: 'a'.repeat(153 * 255 + 1) }, 422, 'text'],
      [
        'an unknown template',
        { templateId: '6a1c8c9e-1d4e-4a4e-9b1a-2f6b1c3d4e5f' },
        422,
        'templateId',
      ],
      [
        'an unknown client',
        { text: 'Bonjour', clientId: '6a1c8c9e-1d4e-4a4e-9b1a-2f6b1c3d4e5f' },
        422,
        'clientId',
      ],
    ])('refuses %s with %d naming %s', async (_name, body, status, path) => {
      const response = await preview(body);

      expect(response.status).toBe(status);
      expect(
        response.data.errors.map((e: { path: string }) => e.path),
      ).toContain(path);
    });

    it('refuses an e-mail template', async () => {
      const template = await stack.api.post(`/v1/shops/${bareShop}/templates`, {
        channel: 'email',
        label: 'Facture',
        subject: 'Facture',
        body: '<p>Bonjour</p>',
      });

      const response = await preview({ templateId: template.data.id });

      expect(response.status).toBe(422);
      expect(response.data.errors[0].path).toBe('templateId');
    });
  });
});
