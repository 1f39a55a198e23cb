/** Loads data for a component and keeps loading/error/reload together. */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Loads again; keeps showing the current data meanwhile. */
  reload: () => Promise<void>;
  /** Replaces the data locally (after a mutation, or from a subscription). */
  setData: (update: T | ((current: T | undefined) => T)) => void;
}

/**
 * Runs `load` when the component mounts and whenever `deps` change; answers from an earlier
 * `deps` that arrive late are dropped.
 */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  options: {
    /** Whether a loaded value may replace the current one (false: an older answer, keep what is shown). */
    replaces?: (loaded: T, current: T) => boolean;
  } = {},
): AsyncState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const replacesRef = useRef(options.replaces);
  replacesRef.current = options.replaces;

  const run = useCallback(async (reset: boolean) => {
    const mine = ++generation.current;
    if (reset) setDataState(undefined);
    setLoading(true);
    try {
      const result = await loadRef.current();
      if (mine !== generation.current) return;
      setDataState((current) => {
        const replaces = replacesRef.current;
        return current === undefined || !replaces || replaces(result, current) ? result : current;
      });
      setError(undefined);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void run(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  const reload = useCallback(() => run(false), [run]);
  const setData = useCallback((update: T | ((current: T | undefined) => T)) => {
    setDataState((current) => (typeof update === 'function' ? (update as (c: T | undefined) => T)(current) : update));
  }, []);
  return { data, error, loading, reload, setData };
}
