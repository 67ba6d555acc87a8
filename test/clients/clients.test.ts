import { createClient, createShop } from '../support/api-fixtures';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { expectProblem, rowCounts } from './client-support';

interface ClientRow {
  id: string;
  lastName: string;
  firstName: string | null;
  mobile: string | null;
  email: string | null;
}

describe('client records', () => {
  let stack: TestStack;
  let shopId: string;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    shopId = await createShop(stack.api);
  });

  afterAll(async () => {
    await stack.close();
  });

  async function search(
    shop: string,
    query: Record<string, string>,
  ): Promise<ClientRow[]> {
    const response = await stack.api.get(`/v1/shops/${shop}/clients`, {
      params: query,
    });
    expect(response.status).toBe(200);
    return response.data.items;
  }

  const names = (rows: ClientRow[]) =>
    rows.map((r) => `${r.firstName} ${r.lastName}`).sort();

  describe('when staff create, read, update and list clients', () => {
    it('reads back a created client with its contact normalised', async () => {
      const id = await createClient(stack.api, shopId, {
        lastName: 'Moreau',
        firstName: 'Anaïs',
        mobile: '+33 6 11 22 33 44',
        email: ' Anais.Moreau@Example.ORG ',
        externalId: 'W-0001',
      });

      const response = await stack.api.get(`/v1/shops/${shopId}/clients/${id}`);

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        id,
        lastName: 'Moreau',
        firstName: 'Anaïs',
        mobile: '+33611223344',
        email: 'Anais.Moreau@example.org',
        externalId: 'W-0001',
        smsConsent: true,
      });
      expect(response.data).not.toHaveProperty('searchName');
    });

    it('updates the fields given, clears those set to null and keeps the rest', async () => {
      const id = await createClient(stack.api, shopId, {
        lastName: 'Petit',
        firstName: 'Louis',
      });

      const response = await stack.api.patch(
        `/v1/shops/${shopId}/clients/${id}`,
        { lastName: 'Petit-Renaud', mobile: '07 88 99 00 11', email: null },
      );

      expect(response.status).toBe(200);
      expect(response.data).toMatchObject({
        lastName: 'Petit-Renaud',
        firstName: 'Louis',
        mobile: '+33788990011',
        email: null,
        smsConsent: true,
      });
      const again = await stack.api.get(`/v1/shops/${shopId}/clients/${id}`);
      expect(again.data).toEqual(response.data);
      expect(names(await search(shopId, { q: 'petit renaud' }))).toEqual([
        'Louis Petit-Renaud',
      ]);
    });

    it('lists newest first, page by page, until nextCursor is null', async () => {
      const shop = await createShop(stack.api, { name: 'Optique Page' });
      const created: string[] = [];
      for (let n = 0; n < 5; n += 1) {
        created.push(
          await createClient(stack.api, shop, { lastName: `Page${n}` }),
        );
      }

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const response = await stack.api.get(`/v1/shops/${shop}/clients`, {
          params: { limit: 2, ...(cursor ? { cursor } : {}) },
        });
        expect(response.data.items.length).toBeLessThanOrEqual(2);
        seen.push(...response.data.items.map((c: ClientRow) => c.id));
        cursor = response.data.nextCursor ?? undefined;
      } while (cursor);

      expect(seen).toEqual([...created].reverse());
    });

    it('never shows a client of another shop', async () => {
      const other = await createShop(stack.api, { name: 'Optic 2000' });
      const id = await createClient(stack.api, other, { lastName: 'Secret' });

      const read = await stack.api.get(`/v1/shops/${shopId}/clients/${id}`);
      const patch = await stack.api.patch(`/v1/shops/${shopId}/clients/${id}`, {
        lastName: 'Stolen',
      });

      expectProblem(read, 404, 'not_found', { clientId: null });
      expectProblem(patch, 404, 'not_found', { clientId: null });
      expect(await search(shopId, { q: 'secret' })).toEqual([]);
    });
  });

  describe('when staff search by name', () => {
    let shop: string;

    beforeAll(async () => {
      shop = await createShop(stack.api, { name: 'Optique Recherche' });
      for (const [firstName, lastName] of [
        ['Hélène', 'Dupré'],
        ['Héloïse', 'Martin'],
        ['Jean-Pierre', 'Lœuillet'],
        ['François', "D'Artagnan"],
        ['Helene', 'Garcia'],
        ['Zoé', 'ÇÀÉÈ'],
      ]) {
        await createClient(stack.api, shop, {
          firstName,
          lastName,
          mobile: undefined,
        });
      }
    });

    it.each([
      ['helene', ['Helene Garcia', 'Hélène Dupré']],
      ['HÉLÈNE', ['Helene Garcia', 'Hélène Dupré']],
      ['dupre', ['Hélène Dupré']],
      ['dupre helene', ['Hélène Dupré']],
      ['hel', ['Helene Garcia', 'Héloïse Martin', 'Hélène Dupré']],
      ['loeuillet', ['Jean-Pierre Lœuillet']],
      ['jean pierre', ['Jean-Pierre Lœuillet']],
      ['jeanpierre', ['Jean-Pierre Lœuillet']],
      ['dartagnan', ["François D'Artagnan"]],
      ["d'artagnan francois", ["François D'Artagnan"]],
      ['caee', ['Zoé ÇÀÉÈ']],
      ['nobody', []],
    ])('q=%s finds %j', async (q, expected) => {
      expect(names(await search(shop, { q }))).toEqual([...expected].sort());
    });

    it('refuses a search with nothing to search for', async () => {
      const response = await stack.api.get(`/v1/shops/${shop}/clients`, {
        params: { q: '!!!' },
      });
      expectProblem(response, 400, 'validation_failed', { q: /no letter/ });
    });
  });

  describe('when staff search by phone number', () => {
    let shop: string;

    beforeAll(async () => {
      shop = await createShop(stack.api, { name: 'Optique Téléphone' });
      await createClient(stack.api, shop, {
        lastName: 'Durand',
        mobile: '+33612345678',
      });
      await createClient(stack.api, shop, {
        lastName: 'Bernard',
        mobile: '07 81 22 33 44',
      });
    });

    it.each([
      '06 12 34 56 78',
      '0612345678',
      '06.12.34.56.78',
      '06-12-34-56-78',
      '+33 6 12 34 56 78',
      '+33 (0)6 12 34 56 78',
      '0033612345678',
      '56 78',
      '06 12 34',
    ])('phone=%s finds +33612345678', async (phone) => {
      const rows = await search(shop, { phone });
      expect(rows.map((r) => r.mobile)).toEqual(['+33612345678']);
    });

    it('reads a number typed in the name search box as a number', async () => {
      const rows = await search(shop, { q: '06 12 34 56 78' });
      expect(rows.map((r) => r.lastName)).toEqual(['Durand']);
    });

    it('refuses a number with fewer than four digits', async () => {
      const response = await stack.api.get(`/v1/shops/${shop}/clients`, {
        params: { phone: '06' },
      });
      expectProblem(response, 400, 'validation_failed', {
        phone: /at least 4/,
      });
    });
  });

  describe('when the shop is overseas', () => {
    it('reads a Guadeloupe shop’s 0690 number as +590 and finds it typed either way', async () => {
      const shop = await createShop(stack.api, {
        name: 'Optique Pointe-à-Pitre',
        region: 'GP',
        timeZone: 'America/Guadeloupe',
      });
      const id = await createClient(stack.api, shop, {
        lastName: 'Céleste',
        mobile: '0690 12 34 56',
      });

      const client = await stack.api.get(`/v1/shops/${shop}/clients/${id}`);
      expect(client.data.mobile).toBe('+590690123456');
      for (const phone of ['0690 12 34 56', '+590 690 12 34 56']) {
        const rows = await search(shop, { phone });
        expect(rows.map((r) => r.id)).toEqual([id]);
      }
    });

    it('reads a Réunion shop’s 0692 number as +262 and a metropolitan 06 as +33', async () => {
      const shop = await createShop(stack.api, {
        name: 'Optique Saint-Denis',
        region: 'RE',
        timeZone: 'Indian/Reunion',
      });
      const local = await createClient(stack.api, shop, {
        lastName: 'Payet',
        mobile: '0692 12 34 56',
      });
      const visitor = await createClient(stack.api, shop, {
        lastName: 'Hoarau',
        mobile: '06 12 34 56 78',
      });

      const read = async (id: string) =>
        (await stack.api.get(`/v1/shops/${shop}/clients/${id}`)).data.mobile;
      expect(await read(local)).toBe('+262692123456');
      expect(await read(visitor)).toBe('+33612345678');
    });

    it('refuses a Guadeloupe landline with the reason', async () => {
      const shop = await createShop(stack.api, {
        name: 'Optique Basse-Terre',
        region: 'GP',
      });
      const response = await stack.api.post(`/v1/shops/${shop}/clients`, {
        lastName: 'Fixe',
        mobile: '0590 12 34 56',
      });
      expectProblem(response, 422, 'invalid_mobile', { mobile: /landline/ });
    });
  });

  describe('when the input is bad', () => {
    let clientId: string;

    beforeAll(async () => {
      clientId = await createClient(stack.api, shopId, {
        lastName: 'Intacte',
        externalId: 'W-TAKEN',
      });
    });

    it.each([
      {
        what: 'a landline',
        body: { mobile: '01 45 67 89 10' },
        code: 'invalid_mobile',
        paths: { mobile: /landline/ },
      },
      {
        what: 'letters for a mobile',
        body: { mobile: 'zéro six' },
        code: 'invalid_mobile',
        paths: { mobile: /not a phone number/ },
      },
      {
        what: 'an address without a domain',
        body: { email: 'claire@localhost' },
        code: 'invalid_email',
        paths: { email: /not a deliverable/ },
      },
      {
        what: 'both wrong',
        body: { mobile: '06 12', email: 'claire@@example.org' },
        code: 'invalid_contact',
        paths: { mobile: /not a valid phone number/, email: /deliverable/ },
      },
    ])(
      'refuses $what on PATCH, naming the field, and changes nothing',
      async (c) => {
        const before = await rowCounts(stack);
        const read = await stack.api.get(
          `/v1/shops/${shopId}/clients/${clientId}`,
        );

        const response = await stack.api.patch(
          `/v1/shops/${shopId}/clients/${clientId}`,
          { lastName: 'Changée', ...c.body },
        );

        expectProblem(response, 422, c.code, c.paths);
        expect(await rowCounts(stack)).toEqual(before);
        const after = await stack.api.get(
          `/v1/shops/${shopId}/clients/${clientId}`,
        );
        expect(after.data).toEqual(read.data);
      },
    );

    it('refuses a consent change through PATCH and points to its route', async () => {
      const response = await stack.api.patch(
        `/v1/shops/${shopId}/clients/${clientId}`,
        { smsConsent: false },
      );
      expectProblem(response, 400, 'validation_failed', {
        smsConsent: /consent/,
      });
    });

    it('refuses an unknown field and an empty last name', async () => {
      const response = await stack.api.patch(
        `/v1/shops/${shopId}/clients/${clientId}`,
        { lastName: '', nickname: 'Cloclo' },
      );
      expectProblem(response, 400, 'validation_failed', {
        lastName: null,
        nickname: /not a known field/,
      });
    });

    it('answers 409 naming externalId when another client has it', async () => {
      const other = await createClient(stack.api, shopId, {
        lastName: 'Autre',
      });
      const before = await rowCounts(stack);

      const patch = await stack.api.patch(
        `/v1/shops/${shopId}/clients/${other}`,
        { externalId: 'W-TAKEN' },
      );
      const post = await stack.api.post(`/v1/shops/${shopId}/clients`, {
        lastName: 'Double',
        externalId: 'W-TAKEN',
      });

      expectProblem(patch, 409, 'conflict', { externalId: null });
      expectProblem(post, 409, 'conflict', { externalId: null });
      expect(await rowCounts(stack)).toEqual(before);
    });

    it('answers 404 for an id that is not a uuid', async () => {
      const response = await stack.api.patch(
        `/v1/shops/${shopId}/clients/not-an-id`,
        { lastName: 'X' },
      );
      expectProblem(response, 404, 'not_found', { clientId: null });
    });

    it('refuses a bad cursor and a bad limit', async () => {
      const response = await stack.api.get(`/v1/shops/${shopId}/clients`, {
        params: { cursor: 'garbage', limit: 0 },
      });
      expectProblem(response, 400, 'validation_failed', { limit: null });
      const cursor = await stack.api.get(`/v1/shops/${shopId}/clients`, {
        params: { cursor: 'garbage' },
      });
      expectProblem(cursor, 400, 'validation_failed', { cursor: null });
    });
  });
});
