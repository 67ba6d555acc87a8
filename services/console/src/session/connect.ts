import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { ApiKeyInfo, Shop } from '../api/api-types';
import { ShopApi } from '../api/shop-api';

/** A key the API knows, before a shop is open. */
export interface SignedKey {
  client: ApiClient;
  key: ApiKeyInfo;
}

/** A key with the shop whose screens it uses. */
export interface Connection {
  api: ShopApi;
  key: ApiKeyInfo;
  shop: Shop;
}

/**
 * Asks the API which shop and role the key has (`GET /v1/api-key`). A
 * key of no shop is the platform's admin key, which picks a shop next;
 * any other role without a shop cannot use the console.
 */
export async function checkKey(
  secret: string,
  onUnauthorized: () => void,
): Promise<SignedKey> {
  const client = new ApiClient(secret, onUnauthorized);
  const key = await client.get<ApiKeyInfo>('/v1/api-key');
  if (!key.shopId && key.role !== 'admin') {
    throw new ApiError(
      403,
      'no_shop',
      "Cette clé n'est liée à aucun magasin : utilisez une clé de magasin.",
    );
  }
  return { client, key };
}

/** Reads the shop; a shop key opens only its own (the API sees to it). */
export async function openShop(
  signed: SignedKey,
  shopId: string,
): Promise<Connection> {
  const api = new ShopApi(signed.client, shopId);
  return { api, key: signed.key, shop: await api.shop() };
}
