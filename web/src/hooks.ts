// Data hooks shared by the pages: polling loads, the job list, a ticking clock, debouncing.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { type ApiError, api, type JobView } from "./api.ts";
import { rememberJobWords } from "./job-words.ts";

export type Polled<T> = {
  data: T | null;
  error: ApiError | Error | null;
  loading: boolean;
  /** fetch now (after a write) */
  refresh: () => void;
};

/**
 * Loads `load()` and again every `intervalMs` while the tab is visible (0 = once). A poll that
 * answers the same object (a 304 from the ETag cache) does not re-render. `key` restarts it.
 */
export function usePoll<T>(
  load: (signal: AbortSignal) => Promise<T>,
  intervalMs: number,
  key: string,
): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctl = new AbortController();
    setLoading(true);
    const tick = async () => {
      if (stopped) return;
      if (document.visibilityState !== "hidden") {
        try {
          const d = await loadRef.current(ctl.signal);
          if (stopped) return;
          setData(d);
          setError(null);
        } catch (e) {
          if (stopped || (e instanceof DOMException && e.name === "AbortError")) return;
          setError(e instanceof Error ? e : new Error(String(e)));
        } finally {
          if (!stopped) setLoading(false);
        }
      }
      if (intervalMs > 0 && !stopped) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      ctl.abort();
      if (timer) clearTimeout(timer);
    };
  }, [key, nonce, intervalMs]);

  const refresh = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, refresh };
}

/**
 * Poll spacing of views that show live runs: every second while a run is on screen (each poll is
 * a 304 when nothing changed), slower again when nothing runs.
 */
export const LIVE_POLL_MS = 1000;
export const IDLE_POLL_MS = 3000;
export const livePollMs = (running: boolean): number => (running ? LIVE_POLL_MS : IDLE_POLL_MS);

/** The job list (names, categories, data sources, params schemas) for pickers and filters. */
export function useJobs(): JobView[] {
  const jobs = usePoll((signal) => api("GET /v1/jobs", { conditional: true, signal }), 30_000, "jobs");
  // the same answer carries the jobs' words: every component that names a stage gets them too
  useEffect(() => {
    if (jobs.data) rememberJobWords(jobs.data.results);
  }, [jobs.data]);
  return jobs.data?.results ?? [];
}

/** Re-renders every `ms` so relative times stay true. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}
