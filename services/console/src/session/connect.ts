import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { ApiKeyInfo, Shop } from '../api/api-types';
import { ShopApi } from '../api/shop-api';

export interface Connection {
  api: ShopApi;
  key: ApiKeyInfo;
  shop: Shop;
}

/**
 * Asks the API which shop and role the key has (`GET /v1/api-key`), then
 * reads that shop. A key of no shop (the platform's admin key) is refused:
 * the console works for one shop at a time.
 */
export async function connect(
  secret: string,
  onUnauthorized: () => void,
): Promise<Connection> {
  const client = new ApiClient(secret, onUnauthorized);
  const key = await client.get<ApiKeyInfo>('/v1/api-key');
  if (!key.shopId) {
    throw new ApiError(
      403,
      'no_shop',
      "Cette clé n'est liée à aucun magasin : utilisez une clé de magasin.",
    );
  }
  const api = new ShopApi(client, key.shopId);
  return { api, key, shop: await api.shop() };
}
