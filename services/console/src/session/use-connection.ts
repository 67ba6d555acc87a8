import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../api/api-error';
import { asApiError } from '../hooks/use-loaded';
import { connect } from './connect';
import type { Connection } from './connect';
import { sessionStore } from './session-store';

/**
 * The signed-in key and its shop: restored from this tab's storage on
 * load, dropped on logout or as soon as the API answers 401.
 */
export function useConnection() {
  const [connection, setConnection] = useState<Connection | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [restoring, setRestoring] = useState(() => sessionStore.key() !== null);

  const logout = useCallback(() => {
    sessionStore.clear();
    setConnection(null);
  }, []);

  const login = useCallback(
    async (secret: string) => {
      try {
        setConnection(await connect(secret, logout));
        sessionStore.saveKey(secret);
        setError(null);
      } catch (caught) {
        sessionStore.clear();
        setError(asApiError(caught));
      }
    },
    [logout],
  );

  // Stable while the key is the same, so that screens may depend on it.
  const api = connection?.api;
  const refreshShop = useCallback(async () => {
    if (!api) return;
    const shop = await api.shop();
    setConnection((current) => current && { ...current, shop });
  }, [api]);

  useEffect(() => {
    const saved = sessionStore.key();
    if (saved) void login(saved).finally(() => setRestoring(false));
  }, [login]);

  return { connection, error, restoring, login, logout, refreshShop };
}
