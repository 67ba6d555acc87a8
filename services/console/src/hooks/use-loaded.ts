import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/api-error';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  reload(): Promise<void>;
}

/**
 * Loads `load()` when `deps` change and on `reload()`; an answer that
 * arrives after a newer request started is dropped.
 */
export function useLoaded<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const latest = useRef(0);

  // The caller names what the load depends on, as for useEffect.
  const stableLoad = useCallback(load, deps);
  const reload = useCallback(async () => {
    const request = ++latest.current;
    try {
      const value = await stableLoad();
      if (request !== latest.current) return;
      setData(value);
      setError(null);
    } catch (caught) {
      if (request === latest.current) setError(asApiError(caught));
    }
  }, [stableLoad]);

  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

/** Calls `tick` every `intervalMs` while `active`. */
export function useInterval(
  tick: () => void,
  intervalMs: number,
  active: boolean,
): void {
  const latestTick = useRef(tick);
  latestTick.current = tick;

  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => latestTick.current(), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs, active]);
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'client_error', String(error));
}
