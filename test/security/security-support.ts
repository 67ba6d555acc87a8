import axios from 'axios';
import type { AxiosInstance } from 'axios';
import type { Express } from 'express';
import type { TestStack } from '../support/test-stack';

/** One route of the application, as Express knows it. */
export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every (method, path) of an Express 5 app, read from its router stack. */
export function routeTable(app: Express): RouteEntry[] {
  const router = (app as unknown as { router: { stack: Layer[] } }).router;
  return walk(router.stack);
}

function walk(stack: Layer[]): RouteEntry[] {
  return stack.flatMap((layer) => {
    if (layer.handle?.stack && !layer.route) return walk(layer.handle.stack);
    if (!layer.route) return [];
    const paths = [layer.route.path].flat();
    const methods = Object.keys(layer.route.methods)
      .filter((m) => layer.route!.methods[m] && m !== '_all')
      .map((m) => m.toUpperCase());
    return paths.flatMap((path) => methods.map((method) => ({ method, path })));
  });
}

/** An API client that sends `key` instead of the stack's admin key. */
export function clientWithKey(stack: TestStack, key: string): AxiosInstance {
  return axios.create({
    baseURL: stack.apiUrl,
    validateStatus: () => true,
    headers: { Authorization: `Bearer ${key}` },
  });
}

/** Makes a shop key through the API and answers its secret. */
export async function createShopKey(
  stack: TestStack,
  shopId: string,
  role: 'staff' | 'manager',
): Promise<{ id: string; key: string }> {
  const response = await stack.api.post(`/v1/shops/${shopId}/api-keys`, {
    role,
    label: `${role} key`,
  });
  if (response.status !== 201) {
    throw new Error(
      `api key: ${response.status} ${JSON.stringify(response.data)}`,
    );
  }
  return response.data;
}

/**
 * A digest of every stored row but keys' `last_used_at` and the stored
 * idempotent answers: equal digests mean that nothing was written.
 */
export async function storeDigest(
  stack: TestStack,
): Promise<Record<string, string>> {
  const tables: { name: string }[] = await stack.db.dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
       AND table_name NOT IN ('schema_migration', 'idempotency_key')
     ORDER BY 1`,
  );
  const digest: Record<string, string> = {};
  for (const { name } of tables) {
    const source =
      name === 'api_key'
        ? `(SELECT id, revoked_at FROM api_key) t`
        : `"${name}" t`;
    const [row] = await stack.db.dataSource.query(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${source}`,
    );
    digest[name] = `${row.n}:${row.h}`;
  }
  return digest;
}
