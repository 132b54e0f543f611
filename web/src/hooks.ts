// Data hooks shared by the pages: polling loads, the job list, a ticking clock, debouncing.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { type ApiError, api, type JobView } from "./api.ts";
import { serverSkew } from "./format.ts";
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

/**
 * One clock for the whole page, so two times on screen are measured against the same "now" (each
 * component's own clock, captured when it mounted and ticking every 15 s, froze "1 second ago").
 * It reads the server's time as best known: the browser's clock plus how far the server has been
 * seen ahead of it (a finished event stamped later than the browser's now). It runs while anything
 * subscribes, every second while one of them shows a time under a minute old, every 15 s otherwise.
 */
type ClockSub = { notify: () => void; fast: (now: number) => boolean };
const clock = {
  skew: 0,
  subs: new Set<ClockSub>(),
  timer: undefined as ReturnType<typeof setTimeout> | undefined,
  delay: 0,
};

/** The server's time as best known (the browser's clock, moved on by the skew seen so far). */
export const serverNow = (): number => Date.now() + clock.skew;

function scheduleClock() {
  if (clock.subs.size === 0) {
    if (clock.timer) clearTimeout(clock.timer);
    clock.timer = undefined;
    return;
  }
  if (clock.timer && clock.delay === 1000) return; // already the fastest
  const now = serverNow();
  const delay = [...clock.subs].some((s) => s.fast(now)) ? 1000 : 15_000;
  if (clock.timer && delay >= clock.delay) return;
  if (clock.timer) clearTimeout(clock.timer);
  clock.delay = delay;
  clock.timer = setTimeout(() => {
    clock.timer = undefined;
    for (const s of clock.subs) s.notify();
    scheduleClock();
  }, delay);
}

/**
 * An event that has happened on the server at `iso`: if it is later than the browser's clock, the
 * server runs ahead and every time on the page moves on by the same amount (never "in 2 s").
 */
export function notePast(iso: string | null | undefined): void {
  const skew = serverSkew(clock.skew, iso, Date.now());
  if (skew === clock.skew) return;
  clock.skew = skew;
  queueMicrotask(() => {
    for (const s of clock.subs) s.notify();
  });
}

/**
 * `select(now)` against the page's one clock; re-renders when its answer changes. `fast(now)`: this
 * value needs the clock every second (default: never, 15 s suffices).
 */
export function useClock<T>(select: (now: number) => T, fast: (now: number) => boolean = () => false): T {
  const value = select(serverNow());
  const [, setValue] = useState(value);
  const ref = useRef({ select, fast });
  ref.current = { select, fast };
  useEffect(() => {
    const sub: ClockSub = {
      notify: () => setValue(ref.current.select(serverNow())),
      fast: (now) => ref.current.fast(now),
    };
    clock.subs.add(sub);
    scheduleClock();
    return () => {
      clock.subs.delete(sub);
      scheduleClock();
    };
  }, []);
  // a value that became fast (a new time) must not wait for a 15 s tick
  useEffect(() => scheduleClock());
  return value;
}

/** The page's clock (server time as best known), re-rendering at least every `ms` (1 s or 15 s). */
export function useNow(ms = 15_000): number {
  useClock(
    (now) => Math.floor(now / ms),
    () => ms <= 1000,
  );
  return serverNow();
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}
