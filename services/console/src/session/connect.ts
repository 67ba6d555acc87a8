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
  refuseMalformedKey(secret);
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

// The API's keys are `oc_` then base64url. Anything else is no key, and a
// character past Latin-1 (é, an emoji) would make fetch throw before any
// request, which would read as a server that does not answer.
const KEY_CHARACTERS = /^[A-Za-z0-9_-]+$/;

function refuseMalformedKey(secret: string): void {
  if (KEY_CHARACTERS.test(secret)) return;
  throw new ApiError(
    400,
    'invalid_key',
    'Clé invalide : une clé ne contient que des lettres sans accent, des chiffres, « _ » et « - ». Copiez-la à nouveau.',
  );
}

/** Reads the shop; a shop key opens only its own (the API sees to it). */
export async function openShop(
  signed: SignedKey,
  shopId: string,
): Promise<Connection> {
  const api = new ShopApi(signed.client, shopId);
  return { api, key: signed.key, shop: await api.shop() };
}
