import SwaggerParser from '@apidevtools/swagger-parser';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { createClient, createShop } from '../support/api-fixtures';
import { routeTable } from '../security/security-support';
import { startTestStack } from '../support/test-stack';
import type { TestStack } from '../support/test-stack';

type JsonObject = Record<string, unknown>;

interface Operation extends JsonObject {
  tags: string[];
  summary: string;
  parameters?: { name: string; in: string; schema: JsonObject }[];
  requestBody?: { content: Record<string, { schema: JsonObject }> };
}

interface Document extends JsonObject {
  tags: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'];

describe('the OpenAPI description', () => {
  let stack: TestStack;
  /** Calls without any key, as a browser opening the page would. */
  let anonymous: AxiosInstance;
  let document: Document;

  beforeAll(async () => {
    stack = await startTestStack({ workers: false });
    anonymous = axios.create({
      baseURL: stack.apiUrl,
      validateStatus: () => true,
    });
    const response = await anonymous.get('/openapi.json');
    expect(response.status).toBe(200);
    document = response.data;
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('describes every route of the app with its method and path, and no other', () => {
    const served = new Set(
      routeTable(stack.app).map((r) => `${r.method} ${templateOf(r.path)}`),
    );
    const described = new Set(operationsOf(document).map(([key]) => key));

    expect({
      missingFromTheDocument: [...served].filter((r) => !described.has(r)),
      describedButNotServed: [...described].filter((r) => !served.has(r)),
    }).toEqual({ missingFromTheDocument: [], describedButNotServed: [] });
    expect(served.size).toBeGreaterThan(60);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(
      SwaggerParser.validate(structuredClone(document) as never, {
        resolve: { external: false },
      }),
    ).resolves.toBeDefined();
    expect(document.openapi).toBe('3.1.0');
  });

  it('declares each path template as a parameter, and gives each operation a summary and a known tag', () => {
    const tags = new Set(document.tags.map((t) => t.name));
    const faults: string[] = [];

    for (const [key, operation] of operationsOf(document)) {
      const templated = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (operation.parameters ?? [])
        .filter((p) => p.in === 'path')
        .map((p) => p.name);
      if (templated.join() !== declared.join()) faults.push(`${key}: params`);
      if (!operation.summary) faults.push(`${key}: summary`);
      if (!operation.tags.every((t) => tags.has(t))) faults.push(`${key}: tag`);
    }

    expect(faults).toEqual([]);
  });

  describe('POST …/messages', () => {
    let shopId: string;
    let sms: Record<string, unknown>;
    let body: JsonObject;

    beforeAll(async () => {
      shopId = await createShop(stack.api);
      sms = {
        channel: 'sms',
        clientId: await createClient(stack.api, shopId),
        body: 'Bonjour %prenom, vos lunettes sont prêtes.',
        salesperson: 'Julie',
      };
      const operation = document.paths['/v1/shops/{shopId}/messages']!.post!;
      body = operation.requestBody!.content['application/json']!.schema;
    });

    it('requires exactly the fields the API names when the body is empty', async () => {
      const response = await stack.api.post(`/v1/shops/${shopId}/messages`, {});
      const named = response.data.errors.map((e: { path: string }) => e.path);

      expect(response.status).toBe(400);
      expect([...named].sort()).toEqual(
        [...(body.required as string[])].sort(),
      );
    });

    it('is refused without each required field, naming it, and accepted whole', async () => {
      for (const field of body.required as string[]) {
        const { [field]: _left, ...rest } = sms;
        const response = await stack.api.post(
          `/v1/shops/${shopId}/messages`,
          rest,
        );
        expect([field, response.status, response.data.errors]).toEqual([
          field,
          400,
          [expect.objectContaining({ path: field })],
        ]);
      }
      const accepted = await stack.api.post(
        `/v1/shops/${shopId}/messages`,
        sms,
      );
      expect(accepted.status).toBe(202);
    });

    it('knows every field the API accepts, and refuses others as the document says', async () => {
      const properties = Object.keys(body.properties as JsonObject);
      const response = await stack.api.post(`/v1/shops/${shopId}/messages`, {
        ...sms,
        colour: 'blue',
      });

      expect(Object.keys(sms).every((f) => properties.includes(f))).toBe(true);
      expect(body.additionalProperties).toBe(false);
      expect(response.status).toBe(400);
      expect(response.data.errors).toEqual([
        { path: 'colour', message: 'not a known field' },
      ]);
    });

    it("gives the history's `limit` the bound the API enforces", async () => {
      const list = document.paths['/v1/shops/{shopId}/messages']!.get!;
      const limit = list.parameters!.find((p) => p.name === 'limit')!;
      const maximum = limit.schema.maximum as number;
      const url = `/v1/shops/${shopId}/messages`;

      const atBound = await stack.api.get(url, { params: { limit: maximum } });
      const past = await stack.api.get(url, { params: { limit: maximum + 1 } });

      expect(atBound.status).toBe(200);
      expect(past.status).toBe(400);
      expect(past.data.errors[0].path).toBe('limit');
    });
  });

  describe('the /docs page', () => {
    it('answers HTML without credentials, and serves every file it loads from here', async () => {
      const page = await anonymous.get('/docs');
      const html = String(page.data);
      const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(
        (m) => m[1]!,
      );
      const files = await Promise.all(
        urls.map(async (url) => {
          const file = await anonymous.get(url, { responseType: 'text' });
          return [url, file.status, String(file.data).length > 0];
        }),
      );

      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(urls.length).toBeGreaterThanOrEqual(3);
      expect(urls.filter((url) => !/^\/[^/]/.test(url))).toEqual([]);
      expect(files).toEqual(urls.map((url) => [url, 200, true]));
    });

    it('loads its scripts from this origin only, as helmet allows', async () => {
      const page = await anonymous.get('/docs');
      const scripts = [...String(page.data).matchAll(/<script[^>]*>/g)];

      expect(page.headers['content-security-policy']).toContain(
        "script-src 'self'",
      );
      expect(scripts.every(([tag]) => / src="\/[^/]/.test(tag))).toBe(true);
    });

    it('serves only the files the page needs from the package', async () => {
      const demo = await anonymous.get('/docs/assets/swagger-initializer.js');

      expect(demo.status).toBe(404);
    });
  });
});

/** Express's `:id` and Express 5's `{/*rest}` as OpenAPI's `{id}`, `/{rest}`. */
function templateOf(expressPath: string): string {
  return expressPath
    .replace(/\{([^}]*)\}/g, '$1')
    .replace(/[:*](\w+)/g, '{$1}');
}

function operationsOf(document: Document): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [
        `${method.toUpperCase()} ${path}`,
        op,
      ]),
  );
}
