import { createContext, useContext } from 'react';
import type { ApiKeyInfo, Role, Shop } from '../api/api-types';
import type { ShopApi } from '../api/shop-api';

/** Who is signed in, and the shop their key belongs to. */
export interface Session {
  api: ShopApi;
  key: ApiKeyInfo;
  shop: Shop;
  /** Reads the shop again (balance, settings) after a change. */
  refreshShop(): Promise<void>;
  /** The salesperson named on sends ("Vendeur"), kept for the tab. */
  salesperson: string;
  setSalesperson(name: string): void;
  logout(): void;
  /** Back to the choice of a shop, for an admin key; null for a shop key. */
  leaveShop: (() => void) | null;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in console');
  return session;
}

/** Managers (and admins) own templates, settings, credit and campaigns. */
export function canManage(role: Role): boolean {
  return role === 'manager' || role === 'admin';
}
