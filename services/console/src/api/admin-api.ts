import type { ApiClient } from './api-client';
import type { Page } from './api-types';

/** A shop as `GET /v1/shops` lists it for an admin key. */
export interface ShopSummary {
  id: string;
  name: string;
  creditBalance: number;
  lowCredit: boolean;
  createdAt: string;
}

/** Shops this many at a time: enough for one screen of the picker. */
const SHOPS_PER_PAGE = 50;

/**
 * One page of the shops, newest first; `q` keeps the names holding each of
 * its words, whatever the case or accents.
 */
export function listShops(
  api: ApiClient,
  q: string,
  cursor?: string,
): Promise<Page<ShopSummary>> {
  return api.get('/v1/shops', { q, cursor, limit: SHOPS_PER_PAGE });
}
