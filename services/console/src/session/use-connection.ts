import { useCallback, useEffect, useState } from 'react';
import type { Dispatch, SetStateAction } from 'react';
import type { ApiError } from '../api/api-error';
import type { ShopApi } from '../api/shop-api';
import { asApiError } from '../hooks/use-loaded';
import { checkKey, openShop } from './connect';
import type { Connection, SignedKey } from './connect';
import { sessionStore } from './session-store';

/**
 * The signed-in key and its shop: restored from this tab's storage on
 * load, dropped on logout or as soon as the API answers 401. An admin
 * key is signed in without a shop until it picks one.
 */
export function useConnection() {
  const [signed, setSigned] = useState<SignedKey | null>(null);
  const [connection, setConnection] = useState<Connection | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStore.key() !== null);

  const logout = useCallback(() => {
    sessionStore.clear();
    setSigned(null);
    setConnection(null);
  }, []);

  const login = useCallback(
    async (secret: string) => {
      try {
        const checked = await checkKey(secret, logout);
        const opened = await initialShop(checked);
        sessionStore.saveKey(secret);
        setSigned(checked);
        setConnection(opened);
        setError(null);
      } catch (caught) {
        sessionStore.clear();
        setError(asApiError(caught));
      }
    },
    [logout],
  );

  useEffect(() => {
    const saved = sessionStore.key();
    if (saved) void login(saved).finally(() => setRestoring(false));
  }, [login]);

  const shopChoice = useShopChoice(signed, connection?.api, setConnection);
  return { signed, connection, error, restoring, login, logout, ...shopChoice };
}

/**
 * Opening a shop (an admin key picks one), going back to the choice, and
 * reading the open shop again after a change.
 */
function useShopChoice(
  signed: SignedKey | null,
  api: ShopApi | undefined,
  setConnection: Dispatch<SetStateAction<Connection | null>>,
) {
  const chooseShop = useCallback(
    async (shopId: string) => {
      if (!signed) return;
      setConnection(await openShop(signed, shopId));
      sessionStore.saveShop(shopId);
    },
    [signed],
  );

  const leaveShop = useCallback(() => {
    sessionStore.forgetShop();
    setConnection(null);
  }, []);

  // Stable while the key is the same, so that screens may depend on it.
  const refreshShop = useCallback(async () => {
    if (!api) return;
    const shop = await api.shop();
    setConnection((current) => current && { ...current, shop });
  }, [api]);

  return { chooseShop, leaveShop, refreshShop };
}

/** The shop a key opens at once: its own, or the one an admin had open. */
async function initialShop(signed: SignedKey): Promise<Connection | null> {
  if (signed.key.shopId) return openShop(signed, signed.key.shopId);
  const saved = sessionStore.shop();
  if (!saved) return null;
  // Gone since, or no longer readable: the admin picks again.
  return openShop(signed, saved).catch(() => {
    sessionStore.forgetShop();
    return null;
  });
}
