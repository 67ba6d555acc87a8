import axios from 'axios';
import { buyCredits, createShop } from '../support/api-fixtures';
import { clientWithKey, createShopKey } from '../security/security-support';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';
import { expectProblem, invalid } from './bad-input-support';

interface ShopRow {
  id: string;
  name: string;
  creditBalance: number;
  lowCredit: boolean;
  createdAt: string;
}

interface ShopPage {
  items: ShopRow[];
  nextCursor: string | null;
}

const NAMES = [
  'Optique Lumière',
  'OPTIQUE DU PORT',
  "Vision d'Œil",
  'Lunettes Hélène',
  'Optique Müller',
];

describe('GET /v1/shops, the admin’s list of shops', () => {
  let stack: TestStack;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    for (const name of NAMES) ids[name] = await createShop(stack.api, { name });
    await buyCredits(stack.api, ids['OPTIQUE DU PORT']!, 100);
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  async function list(query: Record<string, unknown>): Promise<ShopPage> {
    const response = await stack.api.get('/v1/shops', { params: query });
    expect(response.status).toBe(200);
    return response.data;
  }

  /** Follows `nextCursor` to the end; answers every page. */
  async function allPages(query: Record<string, unknown>) {
    const pages: ShopPage[] = [await list(query)];
    while (pages[pages.length - 1]!.nextCursor) {
      const cursor = pages[pages.length - 1]!.nextCursor;
      pages.push(await list({ ...query, cursor }));
    }
    return pages;
  }

  it('answers 401 without a key', async () => {
    const anonymous = axios.create({
      baseURL: stack.apiUrl,
      validateStatus: () => true,
    });

    expect((await anonymous.get('/v1/shops')).status).toBe(401);
  });

  it('answers 403 to a shop’s own keys, even a manager’s', async () => {
    const shopId = ids['Optique Lumière']!;
    for (const role of ['staff', 'manager'] as const) {
      const key = (await createShopKey(stack, shopId, role)).key;

      const response = await clientWithKey(stack, key).get('/v1/shops');

      expect([role, response.status]).toEqual([role, 403]);
    }
  });

  it('shows each shop’s id, name, credit and creation date', async () => {
    const page = await list({});

    expect(page.items.find((s) => s.id === ids['OPTIQUE DU PORT'])).toEqual({
      id: ids['OPTIQUE DU PORT'],
      name: 'OPTIQUE DU PORT',
      creditBalance: 100,
      lowCredit: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(page.items.find((s) => s.id === ids['Optique Lumière'])).toEqual(
      expect.objectContaining({ creditBalance: 0, lowCredit: true }),
    );
  });

  it('pages through every shop once, newest first, with limit and cursor', async () => {
    const pages = await allPages({ limit: 2 });
    const listed = pages.flatMap((page) => page.items);

    expect(pages.map((page) => page.items.length)).toEqual([2, 2, 1]);
    expect(listed.map((s) => s.id).sort()).toEqual(Object.values(ids).sort());
    const times = listed.map((s) => Date.parse(s.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it.each([
    ['lumiere', ['Optique Lumière']],
    ['HELENE', ['Lunettes Hélène']],
    ['oeil', ["Vision d'Œil"]],
    ['port optique', ['OPTIQUE DU PORT']],
    ['optique', ['Optique Lumière', 'OPTIQUE DU PORT', 'Optique Müller']],
    ['boutique', []],
  ])(
    'keeps the names holding every word of q=%s, any case or accent',
    async (q, expected) => {
      const names = (await allPages({ q, limit: 1 }))
        .flatMap((page) => page.items)
        .map((s) => s.name);

      expect(names.sort()).toEqual([...expected].sort());
    },
  );

  it('finds a name beyond the first shops it reads when filtering', async () => {
    // 600 shops newer than the others, copied from one of them in SQL.
    await stack.db.dataSource.query(
      `INSERT INTO shop
       SELECT (jsonb_populate_record(null::shop, to_jsonb(s) || jsonb_build_object(
         'id', gen_random_uuid(), 'name', 'Magasin ' || n,
         'created_at', s.created_at + n * interval '1 second'))).*
       FROM shop s, generate_series(1, 600) n WHERE s.id = $1`,
      [ids['Optique Müller']],
    );

    const pages = await allPages({ q: 'muller', limit: 1 });

    expect(pages.flatMap((p) => p.items).map((s) => s.id)).toEqual([
      ids['Optique Müller'],
    ]);
    expect((await list({ q: 'magasin', limit: 200 })).items).toHaveLength(200);
  });

  describe('when the query is bad', () => {
    it.each([
      ['limit=0', ['limit']],
      ['limit=201', ['limit']],
      ['limit=ten', ['limit']],
      ['q=%21%21%21', ['q']],
      ['cursor=bm90LWEtY3Vyc29y', ['cursor']],
      ['sort=name', ['sort']],
    ])('answers 400 to %s, naming %j', async (query, paths) => {
      const response = await stack.api.get(`/v1/shops?${query}`);

      expectProblem(response, invalid(paths));
    });
  });
});
